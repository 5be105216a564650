// RLIMIT_NOFILE: corrald runs with its soft limit raised to the hard one (Node raises it too at
// start; doing it here makes the figure corrald budgets its sockets by explicit and logged).
import koffi from 'koffi';
import { SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
const RLIMIT_NOFILE = 7;
koffi.struct('corral_rlimit', { cur: 'uint64', max: 'uint64' });
const getrlimitRaw = libc.func('int getrlimit(int resource, _Out_ corral_rlimit *rlim)');
const setrlimitRaw = libc.func('int setrlimit(int resource, const corral_rlimit *rlim)');

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

function read(): OpenFileLimit {
  const out = { cur: 0, max: 0 };
  if (getrlimitRaw(RLIMIT_NOFILE, out) !== 0) throw new SyscallError('getrlimit', koffi.errno(), 'RLIMIT_NOFILE');
  return { soft: Number(out.cur), hard: Number(out.max) };
}

/** Raises the soft open-file limit to the hard limit; returns the limit in force afterwards. */
export function raiseOpenFileLimit(): OpenFileLimit {
  const limit = read();
  if (limit.soft >= limit.hard) return limit;
  if (setrlimitRaw(RLIMIT_NOFILE, { cur: limit.hard, max: limit.hard }) !== 0) return limit;
  return read();
}
