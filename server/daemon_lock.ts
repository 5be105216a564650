// One corrald per set of roots: an exclusive flock on a lock file in each root.
import { openSync, closeSync, writeFileSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../runtime/errors';
import { flock, LOCK_EX, LOCK_NB, SyscallError } from '../native/libc';

export class DaemonLock {
  private constructor(private readonly fds: number[]) {}

  /** Locks `<dir>/corrald.lock` in every dir; refuses when another corrald holds one. */
  static acquire(dirs: string[]): DaemonLock {
    const fds: number[] = [];
    try {
      for (const dir of new Set(dirs)) fds.push(lockOne(path.join(dir, 'corrald.lock')));
    } catch (err) {
      fds.forEach((fd) => closeSync(fd));
      throw err;
    }
    return new DaemonLock(fds);
  }

  release(): void {
    this.fds.forEach((fd) => closeSync(fd));
    this.fds.length = 0;
  }
}

function lockOne(file: string): number {
  const fd = openSync(file, 'a+', 0o600);
  try {
    flock(fd, LOCK_EX | LOCK_NB, file);
  } catch (err) {
    closeSync(fd);
    if (err instanceof SyscallError && err.code === 'EWOULDBLOCK') {
      throw new FailedPreconditionError(`another corrald is running on these roots (${file} is locked)`);
    }
    throw err;
  }
  ftruncateSync(fd, 0);
  writeFileSync(fd, `${process.pid}\n`);
  return fd;
}
