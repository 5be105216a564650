// The service manager's end of sd_notify for tests: a bound unix datagram socket (Node has none,
// so koffi), polled without blocking the event loop.
import koffi from 'koffi';
import { closeFd, SyscallError } from '../libc';

const libc = koffi.load('libc.so.6');
const socketRaw = libc.func('int socket(int domain, int type, int protocol)');
koffi.struct('corral_test_sockaddr_un', { sun_family: 'uint16', sun_path: koffi.array('uint8', 108) });
const bindRaw = libc.func('int bind(int fd, const corral_test_sockaddr_un *addr, uint32 addrlen)');
const recvRaw = libc.func('long recv(int fd, _Out_ uint8_t *buf, size_t len, int flags)');

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

export class NotifyReceiver {
  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  /** Binds `socketPath` ("@name" for an abstract socket). */
  static bind(socketPath: string): NotifyReceiver {
    const abstract = socketPath.startsWith('@');
    const name = Buffer.from(abstract ? `\0${socketPath.slice(1)}` : socketPath);
    const sunPath = new Uint8Array(108);
    sunPath.set(name);
    const fd = socketRaw(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw new SyscallError('socket', koffi.errno(), 'AF_UNIX');
    const len = 2 + name.length + (abstract ? 0 : 1);
    if ((bindRaw(fd, { sun_family: AF_UNIX, sun_path: sunPath }, len) as number) < 0) {
      const errno = koffi.errno();
      closeFd(fd);
      throw new SyscallError('bind', errno, socketPath);
    }
    return new NotifyReceiver(socketPath, fd);
  }

  /** The next datagram, or undefined after `timeoutMs`. */
  async next(timeoutMs: number): Promise<string | undefined> {
    const buf = Buffer.alloc(4096);
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const n = Number(recvRaw(this.fd, buf, buf.length, 0));
      if (n >= 0) return buf.subarray(0, n).toString();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  }

  close(): void {
    closeFd(this.fd);
  }
}
