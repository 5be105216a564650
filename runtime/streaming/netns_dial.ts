// Dials a port on the loopback of a pod's network namespace (what kubelet's port-forward
// reaches: the pod's own localhost), IPv4 first, then IPv6.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { FailedPreconditionError } from '../errors';
import { tcpSocketInNetns } from '../../native/netns_socket';

export async function dialInNetns(netnsPath: string, port: number): Promise<net.Socket> {
  try {
    return await connectFrom(netnsPath, 4, '127.0.0.1', port);
  } catch (err) {
    try {
      return await connectFrom(netnsPath, 6, '::1', port);
    } catch {
      throw new FailedPreconditionError(`cannot connect to port ${port} in the pod: ${(err as Error).message}`);
    }
  }
}

function connectFrom(netnsPath: string, family: 4 | 6, host: string, port: number): Promise<net.Socket> {
  const fd = tcpSocketInNetns(netnsPath, family);
  let socket: net.Socket;
  try {
    socket = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return new Promise((resolve, reject) => {
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
    socket.connect({ port, host }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
