// Mounting an overlay whose layer list may not fit mount(2)'s one-page option string: the new
// mount API takes each lower layer as its own "lowerdir+" parameter (Linux >= 6.8), so an image of
// any layer count (Docker's limit is 125) mounts under a root with long paths. Older kernels get
// the layers as short /proc/self/fd/<n> paths of directories held open for the mount(2) call
// (about 18 bytes a layer, whatever the root's path), which fits some 200 layers in the page.
import koffi from 'koffi';
import { constants as osConstants } from 'node:os';
import { NativeError } from './errors';
import { O_DIRECTORY, O_PATH, SyscallError, closeFd, mount, openat2 } from './libc';

const libc = koffi.load('libc.so.6');
const syscallRaw = libc.func('long syscall(long number, ...)');

// x86_64 numbers; glibc 2.36's wrappers are not used so that nothing depends on the libc version.
const SYS_move_mount = 429;
const SYS_fsopen = 430;
const SYS_fsconfig = 431;
const SYS_fsmount = 432;
const FSOPEN_CLOEXEC = 1;
const FSMOUNT_CLOEXEC = 1;
const FSCONFIG_SET_STRING = 1;
const FSCONFIG_CMD_CREATE = 6;
const MOVE_MOUNT_F_EMPTY_PATH = 4;
const AT_FDCWD = -100;
const PAGE = 4096;

export interface OverlayLayers {
  /** Top first, as overlayfs lists them. */
  lowerDirs: string[];
  /** Both absent: a read-only overlay (it then needs at least two lower directories). */
  upperDir?: string;
  workDir?: string;
}

const MS_RDONLY = 1;
const MOUNT_ATTR_RDONLY = 1;

function writable(layers: OverlayLayers): layers is Required<OverlayLayers> {
  return layers.upperDir !== undefined && layers.workDir !== undefined;
}

function call(name: string, context: string, result: number): number {
  if (result < 0) throw new SyscallError(name, koffi.errno(), context);
  return result;
}

function fsconfigString(fsfd: number, key: string, value: string): void {
  const r = Number(
    syscallRaw(SYS_fsconfig, 'int', fsfd, 'uint', FSCONFIG_SET_STRING, 'str', key, 'str', value, 'int', 0),
  );
  call('fsconfig', `${key}=${value}`, r);
}

/** The new mount API: one "lowerdir+" per layer (any path the kernel resolves, /proc/self/fd/N too). */
export function mountOverlayNewApi(target: string, layers: OverlayLayers): void {
  const fsfd = call('fsopen', 'overlay', Number(syscallRaw(SYS_fsopen, 'str', 'overlay', 'uint', FSOPEN_CLOEXEC)));
  try {
    for (const dir of layers.lowerDirs) fsconfigString(fsfd, 'lowerdir+', dir);
    if (writable(layers)) {
      fsconfigString(fsfd, 'upperdir', layers.upperDir);
      fsconfigString(fsfd, 'workdir', layers.workDir);
    }
    const create = Number(
      syscallRaw(SYS_fsconfig, 'int', fsfd, 'uint', FSCONFIG_CMD_CREATE, 'void *', null, 'void *', null, 'int', 0),
    );
    call('fsconfig', 'create overlay', create);
    const mfd = call(
      'fsmount',
      'overlay',
      Number(
        syscallRaw(SYS_fsmount, 'int', fsfd, 'uint', FSMOUNT_CLOEXEC, 'uint', writable(layers) ? 0 : MOUNT_ATTR_RDONLY),
      ),
    );
    try {
      const moved = Number(
        syscallRaw(
          SYS_move_mount,
          'int',
          mfd,
          'str',
          '',
          'int',
          AT_FDCWD,
          'str',
          target,
          'uint',
          MOVE_MOUNT_F_EMPTY_PATH,
        ),
      );
      call('move_mount', target, moved);
    } finally {
      closeFd(mfd);
    }
  } finally {
    closeFd(fsfd);
  }
}

/** An older kernel: no new mount API (ENOSYS) or no "lowerdir+" key (EINVAL). */
function unsupported(err: unknown): boolean {
  const { ENOSYS, EINVAL } = osConstants.errno;
  return err instanceof SyscallError && (err.errno === ENOSYS || (err.errno === EINVAL && err.syscall === 'fsconfig'));
}

/** Thrown when the layers fit neither mount(2)'s page nor this kernel's new mount API. */
export class OverlayTooLongError extends NativeError {}

function optionString(layers: OverlayLayers): string {
  const lower = `lowerdir=${layers.lowerDirs.join(':')}`;
  return writable(layers) ? `${lower},upperdir=${layers.upperDir},workdir=${layers.workDir}` : lower;
}

/** mount(2) with each lower layer named by an fd path (overlayfs resolves them at mount time). */
export function mountByFdPaths(target: string, layers: OverlayLayers): void {
  const fds: number[] = [];
  try {
    for (const dir of layers.lowerDirs) fds.push(openat2(AT_FDCWD, dir, O_PATH | O_DIRECTORY, 0));
    const data = optionString({ ...layers, lowerDirs: fds.map((fd) => `/proc/self/fd/${fd}`) });
    if (data.length >= PAGE)
      throw new OverlayTooLongError(`overlay options exceed a page even by fd (${layers.lowerDirs.length} layers)`);
    mount('overlay', target, 'overlay', writable(layers) ? 0 : MS_RDONLY, data);
  } finally {
    for (const fd of fds) closeFd(fd);
  }
}

/** Mounts the overlay at target: one mount(2) when its options fit a page, else layer by layer,
 *  else (before Linux 6.8) by fd paths. Without an upper directory the mount is read-only. */
export function mountOverlay(target: string, layers: OverlayLayers): void {
  const data = optionString(layers);
  if (data.length < PAGE) return mount('overlay', target, 'overlay', writable(layers) ? 0 : MS_RDONLY, data);
  try {
    mountOverlayNewApi(target, layers);
  } catch (err) {
    if (!unsupported(err)) throw err;
    mountByFdPaths(target, layers);
  }
}
