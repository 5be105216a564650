// Reads a small file the image controls (/etc/passwd, /etc/group) from a container rootfs. Every
// byte of an image is hostile: the path is resolved with openat2(RESOLVE_IN_ROOT) so no link
// leaves the rootfs; the file is opened O_PATH|O_NOFOLLOW first and type-checked, so a FIFO or a
// device is never opened (it could block a thread forever or never end); only a regular file of
// at most `maxBytes` is read. Nothing here waits on anything the image chose.
import { closeSync, constants, fstatSync, openSync, read, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import {
  O_CLOEXEC,
  O_DIRECTORY,
  O_NOCTTY,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_PATH,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  SyscallError,
  openat2,
  readlinkat,
} from '../../../native/libc';
import { FailedPreconditionError } from '../../errors';

/** The largest image file corral reads (a passwd file of ~20 000 users). */
export const MAX_ROOT_FILE_BYTES = 1 << 20;
const MAX_LINKS = 40;
const readAsync = promisify(read);

/** The file's text; undefined when it (or a directory on its way) does not exist. */
export async function readFileInRoot(
  root: string,
  inside: string,
  maxBytes = MAX_ROOT_FILE_BYTES,
): Promise<string | undefined> {
  const file = openRegularInRoot(root, inside, maxBytes);
  if (file === undefined) return undefined;
  try {
    return (await readCapped(file, inside, maxBytes)).toString('utf8');
  } finally {
    closeSync(file.fd);
  }
}

interface OpenFile {
  fd: number;
  size: number;
}

/** The regular file `inside` names in `root`, opened read-only, final links followed inside root. */
function openRegularInRoot(root: string, inside: string, maxBytes: number): OpenFile | undefined {
  const rootFd = openSync(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  try {
    let name = inside;
    for (let links = 0; links <= MAX_LINKS; links++) {
      const pathFd = openPath(rootFd, name, inside);
      if (pathFd === undefined) return undefined;
      try {
        const stat = fstatSync(pathFd);
        if (!stat.isSymbolicLink()) return reopenRegular(pathFd, stat, inside, maxBytes);
        const target = readlinkat(pathFd, '');
        // Relative targets are resolved by the kernel from the link's directory, clamped to root.
        name = target.startsWith('/') ? target : `${name.slice(0, name.lastIndexOf('/') + 1)}${target}`;
      } finally {
        closeSync(pathFd);
      }
    }
    throw new FailedPreconditionError(`the image's ${inside}: too many levels of symbolic links`);
  } finally {
    closeSync(rootFd);
  }
}

function openPath(rootFd: number, name: string, inside: string): number | undefined {
  try {
    return openat2(rootFd, name, O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    if (err.code === 'ELOOP') throw new FailedPreconditionError(`the image's ${inside}: too many symbolic links`);
    throw err;
  }
}

function reopenRegular(pathFd: number, stat: Stats, inside: string, maxBytes: number): OpenFile {
  if (!stat.isFile()) throw new FailedPreconditionError(`the image's ${inside} is ${kindOf(stat)}, not a regular file`);
  if (stat.size > maxBytes) throw tooLarge(inside, maxBytes);
  // The O_PATH fd pins the inode that was checked: reopening it cannot reach another file.
  const fd = openSync(`/proc/self/fd/${pathFd}`, constants.O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  return { fd, size: stat.size };
}

/** Reads to the end; a file that grew past `maxBytes` since its fstat is refused, not cut. */
async function readCapped(file: OpenFile, inside: string, maxBytes: number): Promise<Buffer> {
  let buf = Buffer.alloc(Math.min(file.size, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length > maxBytes) throw tooLarge(inside, maxBytes);
      buf = Buffer.concat([buf, Buffer.alloc(Math.min(length, maxBytes + 1 - length))]);
    }
    const { bytesRead } = await readAsync(file.fd, buf, length, buf.length - length, null);
    if (bytesRead === 0) return buf.subarray(0, length);
    length += bytesRead;
  }
}

function tooLarge(inside: string, maxBytes: number): FailedPreconditionError {
  return new FailedPreconditionError(`the image's ${inside} is larger than ${maxBytes} bytes`);
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'not a file';
}
