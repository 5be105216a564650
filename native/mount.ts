// mount(2) and umount2(2) for the few host-side mounts corrald makes itself (a pod's /dev/shm
// tmpfs). DESIGN.md: mount/umount2 work in-process from Node.
import koffi from 'koffi';
import { SyscallError } from './libc';

const libc = koffi.load('libc.so.6');
const mountRaw = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
const umount2Raw = libc.func('int umount2(const char *target, int flags)');

export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
const MNT_DETACH = 0x2;
const EINVAL = 22;
const ENOENT = 2;

export function mount(source: string, target: string, fstype: string, flags: number, data: string): void {
  if (mountRaw(source, target, fstype, flags, data) < 0) {
    throw new SyscallError('mount', koffi.errno(), `${fstype} on ${target}`);
  }
}

/** Lazily detaches `target`; true if something was mounted there. */
export function unmount(target: string): boolean {
  if (umount2Raw(target, MNT_DETACH) === 0) return true;
  const errno = koffi.errno();
  if (errno === EINVAL || errno === ENOENT) return false;   // not a mount point, or gone
  throw new SyscallError('umount2', errno, target);
}
