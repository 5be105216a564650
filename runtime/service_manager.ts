// Tells the service manager (systemd's Type=notify) about corrald's state. A failure to notify
// is logged and never stops corrald: the unit's start timeout reports it.
import { sdNotify } from '../native/sd_notify';
import { moduleLogger } from './log';

const log = moduleLogger('service-manager');

/** `state` is an sd_notify assignment: READY=1, STOPPING=1… */
export function notifyServiceManager(state: string): void {
  try {
    sdNotify(state);
  } catch (err) {
    log.warn('cannot notify the service manager', { state, error: (err as Error).message });
  }
}
