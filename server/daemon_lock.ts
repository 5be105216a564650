// One corrald per set of roots: an exclusive flock on a lock file in each root.
import { openSync, closeSync, writeFileSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../runtime/errors';
import { tryLockExclusive } from '../runtime/file_lock';

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
  let locked: boolean;
  try {
    locked = tryLockExclusive(fd, file);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!locked) {
    closeSync(fd);
    throw new FailedPreconditionError(`another corrald is running on these roots (${file} is locked)`);
  }
  ftruncateSync(fd, 0);
  writeFileSync(fd, `${process.pid}\n`);
  return fd;
}
