// Prepares the CRI socket path: a socket left by a crashed corrald is replaced, a live one is not.
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { FailedPreconditionError } from '../runtime/errors';

export async function prepareSocketPath(socket: string): Promise<void> {
  await fs.mkdir(path.dirname(socket), { recursive: true, mode: 0o711 });
  const stat = await fs.lstat(socket).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) throw new FailedPreconditionError(`${socket} exists and is not a socket`);
  if (await isAnswering(socket)) throw new FailedPreconditionError(`${socket} is in use by another process`);
  await fs.unlink(socket);
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
