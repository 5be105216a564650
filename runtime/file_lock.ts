// Exclusive, non-blocking flock on an open file: the kernel drops it when the holder dies.
import { flock, LOCK_EX, LOCK_NB, SyscallError } from '../native/libc';

/** Takes an exclusive flock on `fd`; false when another process holds it, throws on any other failure. */
export function tryLockExclusive(fd: number, file: string): boolean {
  try {
    flock(fd, LOCK_EX | LOCK_NB, file);
    return true;
  } catch (err) {
    if (err instanceof SyscallError && err.code === 'EWOULDBLOCK') return false;
    throw err;
  }
}
