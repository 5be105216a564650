// Binding a directory named by untrusted content: the path is resolved inside `root` with
// openat2(RESOLVE_IN_ROOT), so ".." and symlinks (absolute or relative) never leave it, and the
// directory the kernel found is what gets bound (through its fd), never a path looked up again.
import { O_DIRECTORY, O_PATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, closeFd, mount, openat2 } from './libc';

const AT_FDCWD = -100;
const MS_BIND = 4096;

/** Binds `root`/`subPath` (resolved inside root) onto `target`; ENOENT, ENOTDIR, ELOOP come as SyscallError. */
export function bindDirInRoot(root: string, subPath: string, target: string): void {
  const rootFd = openat2(AT_FDCWD, root, O_PATH | O_DIRECTORY, 0);
  try {
    const dirFd = openat2(rootFd, subPath, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    try {
      mount(`/proc/self/fd/${dirFd}`, target, null, MS_BIND, null);
    } finally {
      closeFd(dirFd);
    }
  } finally {
    closeFd(rootFd);
  }
}
