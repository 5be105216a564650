// Test-only: CNI tests of every checkout on this host take turns (an flock), because portmap's
// chains are shared host-wide and a test removes them again when it made them. Fixtures of one
// process share the lock.
import { closeSync, openSync } from 'node:fs';
import { flock, LOCK_EX, LOCK_NB, SyscallError } from '../../../native/libc';

const LOCK_FILE = '/run/lock/corral-cni-tests.lock';

let held: Promise<number> | undefined;
let holders = 0;

async function lock(): Promise<number> {
  const fd = openSync(LOCK_FILE, 'a', 0o600);
  for (;;) {
    try {
      flock(fd, LOCK_EX | LOCK_NB, LOCK_FILE);
      return fd;
    } catch (err) {
      if (!(err instanceof SyscallError) || err.code !== 'EWOULDBLOCK') {
        closeSync(fd);
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export const HostTestLock = {
  async acquire(): Promise<void> {
    holders++;
    held ??= lock();
    try {
      await held;
    } catch (err) {
      holders--;
      held = undefined;
      throw err;
    }
  },

  async release(): Promise<void> {
    holders = Math.max(0, holders - 1);
    if (holders > 0 || !held) return;
    const fd = await held;
    held = undefined;
    closeSync(fd);
  },
};
