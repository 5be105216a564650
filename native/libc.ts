// Thin, typed koffi bindings to libc. Every call checks its result at once and turns errno
// into a typed SyscallError, so callers never see a bare -1.
import koffi, { type KoffiFunc } from 'koffi';
import { SyscallError } from './errors';
import { constants as osConstants } from 'node:os';

const libc = koffi.load('libc.so.6');

/** Re-exported so callers catch it beside the calls that throw it. */
export { SyscallError };

function check(result: number, syscall: string, context: string): number {
  if (result < 0) throw new SyscallError(syscall, koffi.errno(), context);
  return result;
}

const flockRaw = libc.func('int flock(int fd, int operation)') as KoffiFunc<(fd: number, operation: number) => number>;

export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

export function flock(fd: number, operation: number, context = `fd ${fd}`): void {
  check(flockRaw(fd, operation), 'flock', context);
}

// ---- filesystem calls Node lacks: openat2 (safe path resolution), mknod, xattrs, mount ----

const syscallRaw = libc.func('long syscall(long number, ...)') as KoffiFunc<
  (number: number, ...typedArgs: unknown[]) => number | bigint
>;
const OpenHow = koffi.struct('corral_open_how', { flags: 'uint64', mode: 'uint64', resolve: 'uint64' });
const SYS_openat2 = 437; // x86_64

export const O_PATH = 0o10000000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
/** A FIFO or device opened with it never waits for a peer or a medium. */
export const O_NONBLOCK = 0o4000;
export const O_NOCTTY = 0o400;
/** openat2 resolve flags: treat dirfd as "/" (absolute names, "..", symlinks never leave it). */
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_IN_ROOT = 0x10;

/** openat2(2): opens `path` relative to `dirfd` with resolve restrictions; returns the new fd. */
export function openat2(dirfd: number, path: string, flags: number, resolve: number, mode = 0): number {
  const how = { flags: flags | O_CLOEXEC, mode, resolve };
  const fd = Number(
    syscallRaw(SYS_openat2, 'int', dirfd, 'str', path, 'corral_open_how *', how, 'size_t', koffi.sizeof(OpenHow)),
  );
  return check(fd, 'openat2', path);
}

const readlinkatRaw = libc.func(
  'long readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, size_t size)',
) as KoffiFunc<(dirfd: number, path: string, buf: Buffer, size: number) => number | bigint>;
const PATH_MAX = 4096;

/** readlinkat(2); with path "" it reads the symlink an O_PATH|O_NOFOLLOW fd stands for. */
export function readlinkat(dirfd: number, path: string): string {
  const buf = Buffer.alloc(PATH_MAX);
  const n = check(Number(readlinkatRaw(dirfd, path, buf, buf.length)), 'readlinkat', path || `fd ${dirfd}`);
  return buf.subarray(0, n).toString();
}

const mknodRaw = libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)') as KoffiFunc<
  (path: string, mode: number, dev: bigint) => number
>;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major),
    mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

export function mknod(path: string, mode: number, dev: bigint): void {
  check(mknodRaw(path, mode, dev), 'mknod', path);
}

const lsetxattrRaw = libc.func(
  'int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)',
) as KoffiFunc<(path: string, name: string, value: Buffer, size: number, flags: number) => number>;
const lgetxattrRaw = libc.func(
  'long lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)',
) as KoffiFunc<(path: string, name: string, value: Buffer, size: number) => number | bigint>;

/** Sets an xattr on `path` itself (never through a final symlink). */
export function lsetxattr(path: string, name: string, value: Buffer): void {
  check(lsetxattrRaw(path, name, value, value.length, 0), 'lsetxattr', `${path} ${name}`);
}

/** Reads an xattr of `path` itself; null when it is absent. */
export function lgetxattr(path: string, name: string): Buffer | null {
  const buf = Buffer.alloc(65536);
  const n = Number(lgetxattrRaw(path, name, buf, buf.length));
  if (n < 0) {
    const errno = koffi.errno();
    if (errno === osConstants.errno.ENODATA) return null;
    throw new SyscallError('lgetxattr', errno, `${path} ${name}`);
  }
  return buf.subarray(0, n);
}

const mountRaw = libc.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
) as KoffiFunc<(source: string, target: string, fstype: string | null, flags: number, data: string | null) => number>;
const umount2Raw = libc.func('int umount2(const char *target, int flags)') as KoffiFunc<
  (target: string, flags: number) => number
>;
export const MNT_DETACH = 2;

export function mount(source: string, target: string, fstype: string | null, flags: number, data: string | null): void {
  check(mountRaw(source, target, fstype, flags, data), 'mount', `${fstype ?? ''} ${target}`);
}

export function umount2(target: string, flags = 0): void {
  check(umount2Raw(target, flags), 'umount2', target);
}

/**
 * umount2(2) on a thread-pool thread: the last unmount of a writable overlay syncs the filesystem
 * under it (milliseconds). Resolves false when it failed: errno is not carried back from another
 * thread, so the caller asks again with umount2() to learn why.
 */
export function umount2OffLoop(target: string, flags = 0): Promise<boolean> {
  return new Promise((resolve, reject) => {
    umount2Raw.async(target, flags, (err: Error | null, result: number) => (err ? reject(err) : resolve(result === 0)));
  });
}

// Process handles (process layer). pidfd calls go through syscall(2): glibc 2.36 has no wrappers.
const closeRaw = libc.func('int close(int fd)') as KoffiFunc<(fd: number) => number>;
const SYS_PIDFD_SEND_SIGNAL = 424;
const SYS_PIDFD_OPEN = 434;

/** A pidfd: the process it names can exit but never be replaced by another with its pid. */
export function pidfdOpen(pid: number): number {
  return check(Number(syscallRaw(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0)), 'pidfd_open', `pid ${pid}`);
}

export function pidfdSendSignal(pidfd: number, signal: number): void {
  const result = Number(
    syscallRaw(SYS_PIDFD_SEND_SIGNAL, 'int', pidfd, 'int', signal, 'void *', null, 'unsigned int', 0),
  );
  check(result, 'pidfd_send_signal', `signal ${signal}`);
}

export function closeFd(fd: number): void {
  check(closeRaw(fd), 'close', `fd ${fd}`);
}

// ---- memory ----

const mallocTrimRaw = libc.func('int malloc_trim(size_t pad)') as KoffiFunc<(pad: number) => number>;

/** malloc_trim(3): the allocator hands its free memory, in every thread's arena, back to the kernel. */
export function mallocTrim(): void {
  mallocTrimRaw(0);
}
