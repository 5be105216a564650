// `lo` brought up in a pod's network namespace by corrald itself, as CRI-O does and containerd
// can (the CNI loopback plugin does only this, and is to be deprecated): SIOCGIFFLAGS then
// SIOCSIFFLAGS on a socket made in that namespace, which both act on. No process is spawned.
import koffi, { type KoffiFunc } from 'koffi';
import { endianness } from 'node:os';
import { SyscallError } from './errors';
import { closeFd } from './libc';
import { datagramSocketInNetns } from './netns_socket';

const libc = koffi.load('libc.so.6');
const ioctlRaw = libc.func('int ioctl(int fd, unsigned long request, ...)') as KoffiFunc<
  (fd: number, request: number, argType: string, arg: Buffer) => number
>;

const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
/** struct ifreq: the name (IFNAMSIZ bytes), then a union whose short ifr_flags comes first. */
const IFREQ_SIZE = 40;
const FLAGS_OFFSET = 16;

/** Sets `lo` up in the namespace pinned at `netnsPath` (a no-op when it already is). */
export function loopbackUp(netnsPath: string): void {
  const fd = datagramSocketInNetns(netnsPath);
  try {
    const ifreq = Buffer.alloc(IFREQ_SIZE);
    ifreq.write('lo', 0, 'latin1');
    if (ioctlRaw(fd, SIOCGIFFLAGS, 'void *', ifreq) < 0)
      throw new SyscallError('ioctl', koffi.errno(), 'SIOCGIFFLAGS lo');
    const little = endianness() === 'LE';
    const flags = little ? ifreq.readUInt16LE(FLAGS_OFFSET) : ifreq.readUInt16BE(FLAGS_OFFSET);
    if (flags & IFF_UP) return;
    if (little) ifreq.writeUInt16LE(flags | IFF_UP, FLAGS_OFFSET);
    else ifreq.writeUInt16BE(flags | IFF_UP, FLAGS_OFFSET);
    if (ioctlRaw(fd, SIOCSIFFLAGS, 'void *', ifreq) < 0)
      throw new SyscallError('ioctl', koffi.errno(), 'SIOCSIFFLAGS lo');
  } finally {
    closeFd(fd);
  }
}
