// A socket created inside another network namespace (a pod's): TCP for port forwarding, UDP for
// its interfaces' ioctls. setns
// of a network namespace moves only the calling thread, so the main thread steps in, creates
// the socket, and steps back at once: the socket stays in the pod's namespace for its life.
import * as fs from 'node:fs';
import koffi, { type KoffiFunc } from 'koffi';
import { NativeError, SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
const setnsRaw = libc.func('int setns(int fd, int nstype)') as KoffiFunc<(fd: number, nstype: number) => number>;
const socketRaw = libc.func('int socket(int domain, int type, int protocol)') as KoffiFunc<
  (domain: number, type: number, protocol: number) => number
>;

const CLONE_NEWNET = 0x40000000;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

const SOCK_DGRAM = 2;

/** An unconnected, non-blocking TCP socket fd in the namespace pinned at `netnsPath`. */
export function tcpSocketInNetns(netnsPath: string, family: 4 | 6): number {
  return socketInNetns(netnsPath, family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK);
}

/** A UDP socket fd in the namespace pinned at `netnsPath`, for interface ioctls there. */
export function datagramSocketInNetns(netnsPath: string): number {
  return socketInNetns(netnsPath, AF_INET, SOCK_DGRAM);
}

function socketInNetns(netnsPath: string, domain: number, type: number): number {
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  let target: number | undefined;
  try {
    target = fs.openSync(netnsPath, 'r');
    if (setnsRaw(target, CLONE_NEWNET) < 0) throw new SyscallError('setns', koffi.errno(), netnsPath);
    const fd = socketRaw(domain, type | SOCK_CLOEXEC, 0);
    const socketErrno = koffi.errno();
    if (setnsRaw(home, CLONE_NEWNET) < 0) {
      // Every later socket of this thread would land in the pod: nothing can be trusted after this.
      throw new NativeError(`cannot return to corrald's network namespace after ${netnsPath}: errno ${koffi.errno()}`);
    }
    if (fd < 0) throw new SyscallError('socket', socketErrno, netnsPath);
    return fd;
  } finally {
    if (target !== undefined) fs.closeSync(target);
    fs.closeSync(home);
  }
}
