// Signals pids corral found in a cgroup; a pid that exited meanwhile is not an error.
import { closeFd, pidfdOpen, pidfdSendSignal, SyscallError } from '../../native/libc';

export function sigkillAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/**
 * SIGKILL through pidfds to `listed` (a cgroup's processes), sent only to those `stillListed`
 * names once their pidfds are open: a pidfd pins its process, so a pid reused meanwhile by a
 * process outside the cgroup is never signalled. Returns the pids signalled.
 */
export async function pidfdKillListed(listed: number[], stillListed: () => Promise<number[]>): Promise<Set<number>> {
  const opened = new Map<number, number>();
  try {
    for (const pid of listed) {
      const fd = openPidfd(pid);
      if (fd !== undefined) opened.set(pid, fd);
    }
    const members = new Set(await stillListed());
    const killed = new Set<number>();
    for (const [pid, fd] of opened) if (members.has(pid) && sendKill(fd)) killed.add(pid);
    return killed;
  } finally {
    for (const fd of opened.values()) closeFd(fd);
  }
}

const SIGKILL = 9;
const exited = (err: unknown): boolean => err instanceof SyscallError && err.code === 'ESRCH';

function openPidfd(pid: number): number | undefined {
  try {
    return pidfdOpen(pid);
  } catch (err) {
    if (exited(err)) return undefined;
    throw err;
  }
}

function sendKill(pidfd: number): boolean {
  try {
    pidfdSendSignal(pidfd, SIGKILL);
    return true;
  } catch (err) {
    if (exited(err)) return false;
    throw err;
  }
}
