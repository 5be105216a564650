// sd_notify(3): tells the service manager about corrald's state (READY=1, STOPPING=1) over the
// unix datagram socket named in $NOTIFY_SOCKET. Node has no unix datagram sockets, so this is
// socket(2) and sendto(2) through koffi. Without $NOTIFY_SOCKET it does nothing.
import koffi from 'koffi';
import { closeFd, SyscallError } from './libc';

const libc = koffi.load('libc.so.6');
const socketRaw = libc.func('int socket(int domain, int type, int protocol)');
koffi.struct('corral_sockaddr_un', { sun_family: 'uint16', sun_path: koffi.array('uint8', 108) });
const sendtoRaw = libc.func(
  'long sendto(int fd, const void *buf, size_t len, int flags, const corral_sockaddr_un *addr, uint32 addrlen)',
);

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_OFFSET = 2;

/** Sends `state` ("READY=1"…) to the service manager; returns false when none listens. */
export function sdNotify(state: string, socketPath = process.env.NOTIFY_SOCKET): boolean {
  if (!socketPath) return false;
  // "@name" is an abstract socket: its address starts with a NUL byte.
  const name = Buffer.from(socketPath.startsWith('@') ? `\0${socketPath.slice(1)}` : socketPath);
  if (name.length >= 108) throw new SyscallError('sendto', 36 /* ENAMETOOLONG */, socketPath);
  const sunPath = new Uint8Array(108);
  sunPath.set(name);
  const addr = { sun_family: AF_UNIX, sun_path: sunPath };
  // A filesystem path is NUL-terminated in the length; an abstract name is not.
  const addrLen = SUN_PATH_OFFSET + name.length + (socketPath.startsWith('@') ? 0 : 1);
  const fd = socketRaw(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw new SyscallError('socket', koffi.errno(), 'AF_UNIX, SOCK_DGRAM');
  try {
    const message = Buffer.from(state);
    if (Number(sendtoRaw(fd, message, message.length, MSG_NOSIGNAL, addr, addrLen)) < 0) {
      throw new SyscallError('sendto', koffi.errno(), socketPath);
    }
  } finally {
    closeFd(fd);
  }
  return true;
}
