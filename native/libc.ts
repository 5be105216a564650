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

// Process handles and mounts (process layer). pidfd calls go through syscall(2): glibc 2.36 has
// no wrappers for them.
const syscallRaw = libc.func('long syscall(long number, ...)');
const closeRaw = libc.func('int close(int fd)');
const umount2Raw = libc.func('int umount2(const char *target, int flags)');

const SYS_PIDFD_SEND_SIGNAL = 424;
const SYS_PIDFD_OPEN = 434;
export const MNT_DETACH = 2;

/** A pidfd: the process it names can exit but never be replaced by another with its pid. */
export function pidfdOpen(pid: number): number {
  return check(Number(syscallRaw(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0)), 'pidfd_open', `pid ${pid}`);
}

export function pidfdSendSignal(pidfd: number, signal: number): void {
  const result = Number(syscallRaw(SYS_PIDFD_SEND_SIGNAL, 'int', pidfd, 'int', signal, 'void *', null, 'unsigned int', 0));
  check(result, 'pidfd_send_signal', `signal ${signal}`);
}

export function closeFd(fd: number): void {
  check(closeRaw(fd), 'close', `fd ${fd}`);
}

export function umount2(target: string, flags: number): void {
  check(umount2Raw(target, flags), 'umount2', target);
}
