// corrald's open-file limit, which the daemon budgets its sockets by. server/ reaches native/ only
// through runtime/ (server → runtime → native), so the call is offered here.
export { raiseOpenFileLimit, type OpenFileLimit } from '../native/open_file_limit';
