// Pseudo-terminals: a pair from the host's devpts for processes corrald starts on the host side
// (the host-process streaming backend), a pair from a container's own devpts for exec with a tty
// (so its slave is /dev/pts/<n> inside the container, as under runc); the window size.
import * as fs from 'node:fs';
import koffi, { type KoffiFunc } from 'koffi';
import { NativeError, SyscallError } from './errors';
import { O_CLOEXEC as O_CLOEXEC_FLAG, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, openat2 } from './libc';

const libc = koffi.load('libc.so.6');
const posixOpenpt = libc.func('int posix_openpt(int flags)') as KoffiFunc<(flags: number) => number>;
const grantpt = libc.func('int grantpt(int fd)') as KoffiFunc<(fd: number) => number>;
const unlockpt = libc.func('int unlockpt(int fd)') as KoffiFunc<(fd: number) => number>;
const ptsnameR = libc.func('int ptsname_r(int fd, _Out_ uint8_t *buf, size_t buflen)') as KoffiFunc<
  (fd: number, buf: Buffer, buflen: number) => number
>;
const ioctlPtr = libc.func('int ioctl(int fd, unsigned long request, uint8_t *arg)') as KoffiFunc<
  (fd: number, request: number, arg: Buffer) => number
>;
const ioctlInt = libc.func('int ioctl(int fd, unsigned long request, long arg)') as KoffiFunc<
  (fd: number, request: number, arg: number) => number
>;
const fstatfsRaw = libc.func('int fstatfs(int fd, _Out_ uint8_t *buf)') as KoffiFunc<
  (fd: number, buf: Buffer) => number
>;

const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;
const TIOCSWINSZ = 0x5414;
const TIOCSPTLCK = 0x40045431;
const TIOCGPTPEER = 0x5441;
const O_NONBLOCK = 0o4000;
const DEVPTS_SUPER_MAGIC = 0x1cd1;

export interface PtyPair {
  master: number;
  slave: number;
}

export function openPty(): PtyPair {
  const master = posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) throw new SyscallError('posix_openpt', koffi.errno(), 'ptmx');
  try {
    if (grantpt(master) < 0) throw new SyscallError('grantpt', koffi.errno(), `fd ${master}`);
    if (unlockpt(master) < 0) throw new SyscallError('unlockpt', koffi.errno(), `fd ${master}`);
    const name = Buffer.alloc(128);
    const rc = ptsnameR(master, name, name.length);
    if (rc !== 0) throw new SyscallError('ptsname_r', rc, `fd ${master}`);
    const slave = fs.openSync(name.subarray(0, name.indexOf(0)).toString(), fs.constants.O_RDWR | O_NOCTTY);
    return { master, slave };
  } catch (err) {
    fs.closeSync(master);
    throw err;
  }
}

function isDevpts(fd: number): boolean {
  const buf = Buffer.alloc(128); // struct statfs; f_type comes first
  if (fstatfsRaw(fd, buf) < 0) throw new SyscallError('fstatfs', koffi.errno(), `fd ${fd}`);
  return Number(buf.readBigInt64LE(0)) === DEVPTS_SUPER_MAGIC;
}

/**
 * A pair from the devpts mounted at /dev/pts under `rootDirFd` (a container's root): the path is
 * resolved inside that root, the master must live on a devpts, and the slave is opened from the
 * master (TIOCGPTPEER), never by name, so nothing the container controls picks another file.
 */
export function openPtyInRoot(rootDirFd: number): PtyPair {
  const flags = O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC_FLAG;
  const master = openat2(rootDirFd, '/dev/pts/ptmx', flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  try {
    if (!isDevpts(master)) throw new NativeError("the container's /dev/pts/ptmx is not on a devpts");
    const unlock = Buffer.alloc(4); // int 0: unlock
    if (ioctlPtr(master, TIOCSPTLCK, unlock) < 0) throw new SyscallError('ioctl', koffi.errno(), 'TIOCSPTLCK');
    const slave = ioctlInt(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC_FLAG);
    if (slave < 0) throw new SyscallError('ioctl', koffi.errno(), 'TIOCGPTPEER');
    return { master, slave };
  } catch (err) {
    fs.closeSync(master);
    throw err;
  }
}

/** struct winsize { rows, cols, xpixel, ypixel } on the master: the process gets SIGWINCH. */
export function setWindowSize(fd: number, columns: number, rows: number): void {
  const winsize = Buffer.alloc(8);
  winsize.writeUInt16LE(rows, 0);
  winsize.writeUInt16LE(columns, 2);
  if (ioctlPtr(fd, TIOCSWINSZ, winsize) < 0) throw new SyscallError('ioctl', koffi.errno(), 'TIOCSWINSZ');
}
