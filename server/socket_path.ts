// Prepares the CRI socket path: a socket left by a crashed corrald is replaced, a live one is not.
// The file system calls block: this runs before the socket is served, when nothing else waits.
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { FailedPreconditionError } from '../runtime/errors';

export async function prepareSocketPath(socket: string): Promise<void> {
  mkdirSync(path.dirname(socket), { recursive: true, mode: 0o711 });
  const stat = lstatSync(socket, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isSocket()) throw new FailedPreconditionError(`${socket} exists and is not a socket`);
  if (await isAnswering(socket)) throw new FailedPreconditionError(`${socket} is in use by another process`);
  unlinkSync(socket);
}

/** Whether something accepts connections on the unix socket. */
export function isAnswering(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}
