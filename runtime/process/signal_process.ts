// Race-free signals: open a pidfd, check the start time, then signal through the pidfd.
import type { ProcessRef } from './contract';
import { readStartTime } from './proc_stat';
import { closeFd, pidfdOpen, pidfdSendSignal, SyscallError } from '../../native/libc';

const gone = (err: unknown): boolean => err instanceof SyscallError && err.code === 'ESRCH';

/** Signals the process named by ref; false when it no longer exists (nothing was signalled). */
export async function signalProcess(ref: ProcessRef, signal: number): Promise<boolean> {
  let pidfd: number;
  try {
    pidfd = pidfdOpen(ref.pid);
  } catch (err) {
    if (gone(err)) return false;
    throw err;
  }
  try {
    // The pidfd pins the process: if the start time matches now, the signal reaches that process.
    if ((await readStartTime(ref.pid)) !== ref.startTime) return false;
    pidfdSendSignal(pidfd, signal);
    return true;
  } catch (err) {
    if (gone(err)) return false;
    throw err;
  } finally {
    closeFd(pidfd);
  }
}
