// Pseudo-terminals for processes corrald starts on the host side (the host-process streaming
// backend): open a master/slave pair and set the window size.
import * as fs from 'node:fs';
import koffi, { type KoffiFunc } from 'koffi';
import { SyscallError } from './errors';

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

const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;
const TIOCSWINSZ = 0x5414;

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

/** struct winsize { rows, cols, xpixel, ypixel } on the master: the process gets SIGWINCH. */
export function setWindowSize(fd: number, columns: number, rows: number): void {
  const winsize = Buffer.alloc(8);
  winsize.writeUInt16LE(rows, 0);
  winsize.writeUInt16LE(columns, 2);
  if (ioctlPtr(fd, TIOCSWINSZ, winsize) < 0) throw new SyscallError('ioctl', koffi.errno(), 'TIOCSWINSZ');
}
