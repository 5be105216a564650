// A read-only overlay whose files read through a user namespace's id mapping. overlayfs itself
// cannot be idmapped, but its layers can: each lower directory is cloned (open_tree) and
// idmapped (mount_setattr MOUNT_ATTR_IDMAP) as a detached mount, and the overlay is built on those
// clones with the new mount API, so files owned by host uid 0 on disk appear owned by the uid the
// namespace maps container root to.
import koffi from 'koffi';
import { SyscallError, closeFd, openat2 } from './libc';
import { mountOverlayNewApi } from './overlay_mount';

const libc = koffi.load('libc.so.6');
const syscallRaw = libc.func('long syscall(long number, ...)');
const MountAttr = koffi.struct('corral_mount_attr', {
  attr_set: 'uint64',
  attr_clr: 'uint64',
  propagation: 'uint64',
  userns_fd: 'uint64',
});

// x86_64 numbers, as in overlay_mount.ts.
const SYS_open_tree = 428;
const SYS_mount_setattr = 442;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const OPEN_TREE_CLONE = 1;
const OPEN_TREE_CLOEXEC = 0o2000000;
const MOUNT_ATTR_IDMAP = 0x00100000;
const O_RDONLY = 0;

/** A detached clone of `dir` whose ids read through the user namespace `usernsFd`. */
function idmappedClone(dir: string, usernsFd: number): number {
  const tree = Number(
    syscallRaw(SYS_open_tree, 'int', AT_FDCWD, 'str', dir, 'uint', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC),
  );
  if (tree < 0) throw new SyscallError('open_tree', koffi.errno(), dir);
  const attr = { attr_set: MOUNT_ATTR_IDMAP, attr_clr: 0, propagation: 0, userns_fd: usernsFd };
  const r = Number(
    syscallRaw(
      SYS_mount_setattr,
      'int',
      tree,
      'str',
      '',
      'uint',
      AT_EMPTY_PATH,
      'corral_mount_attr *',
      attr,
      'size_t',
      koffi.sizeof(MountAttr),
    ),
  );
  if (r < 0) {
    const errno = koffi.errno();
    closeFd(tree);
    throw new SyscallError('mount_setattr', errno, `idmap ${dir}`);
  }
  return tree;
}

/** Mounts at `target` a read-only overlay of `lowerDirs` (top first) seen through `usernsPath`'s mapping. */
export function mountIdmappedReadOnlyOverlay(target: string, lowerDirs: string[], usernsPath: string): void {
  const usernsFd = openat2(AT_FDCWD, usernsPath, O_RDONLY, 0);
  const trees: number[] = [];
  try {
    for (const dir of lowerDirs) trees.push(idmappedClone(dir, usernsFd));
    mountOverlayNewApi(target, { lowerDirs: trees.map((fd) => `/proc/self/fd/${fd}`) });
  } finally {
    for (const fd of trees) closeFd(fd);
    closeFd(usernsFd);
  }
}
