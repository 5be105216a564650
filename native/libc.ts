// Thin, typed koffi bindings to libc. Every call checks its result at once and turns errno
// into a typed SyscallError, so callers never see a bare -1.
import koffi from 'koffi';
import { CorralError } from '../runtime/errors';
import { constants as osConstants } from 'node:os';

const libc = koffi.load('libc.so.6');

const errnoNames = new Map<number, string>(
  Object.entries(osConstants.errno).map(([name, value]) => [value as number, name]),
);

/** A failed system call: carries errno and its symbolic name (EWOULDBLOCK, EPERM…). */
export class SyscallError extends CorralError {
  readonly code: string;
  constructor(readonly syscall: string, readonly errno: number, context: string) {
    const code = errnoNames.get(errno) ?? `errno ${errno}`;
    super(errno === osConstants.errno.ENOENT ? 'not_found' : 'internal', `${syscall}(${context}): ${code}`);
    this.code = code;
  }
}

function check(result: number, syscall: string, context: string): number {
  if (result < 0) throw new SyscallError(syscall, koffi.errno(), context);
  return result;
}

const flockRaw = libc.func('int flock(int fd, int operation)');

export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

export function flock(fd: number, operation: number, context = `fd ${fd}`): void {
  check(flockRaw(fd, operation), 'flock', context);
}
