// A registry on 127.0.0.1 that misbehaves on purpose, one way per repository name:
//   token-flood   401 to a bearer token server whose answer never ends
//   error-flood   HTTP 500 with a body that never ends
//   silent        accepts the request and never answers
//   idle          answers 200, sends one byte of the manifest, then nothing
//   trickle       answers 200 and sends one byte a second, forever
// Endless bodies stop at FLOOD_LIMIT, so a client that reads everything still ends.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const FLOOD_LIMIT = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

export interface HostileRegistry {
  host: string; // "127.0.0.1:port"
  /** Bytes each endless body had sent when its client went away. */
  sent: Record<string, number>;
  stop(): Promise<void>;
}

function flood(res: http.ServerResponse, prefix: string, sent: Record<string, number>, key: string): void {
  let total = 0;
  let closed = false;
  res.on('close', () => (closed = true));
  res.write(prefix);
  const pump = () => {
    while (!closed && total < FLOOD_LIMIT) {
      total += CHUNK.length;
      sent[key] = total;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

function trickle(res: http.ServerResponse, everyMs: number): void {
  res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
  res.write('{');
  if (everyMs === 0) return; // idle: nothing more, ever
  const timer = setInterval(() => res.write(' '), everyMs);
  res.on('close', () => clearInterval(timer));
}

export async function startHostileRegistry(): Promise<HostileRegistry> {
  const sent: Record<string, number> = {};
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    held.add(res);
    res.on('close', () => held.delete(res));
    const url = req.url ?? '';
    const { port } = server.address() as AddressInfo;
    if (url.startsWith('/token')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return flood(res, '{"token":"', sent, 'token');
    }
    const repo = /^\/v2\/([^/]+)\//.exec(url)?.[1];
    switch (repo) {
      case 'token-flood':
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="hostile"` });
        return res.end();
      case 'error-flood':
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return flood(res, 'internal error: ', sent, 'error');
      case 'silent':
        return; // never answered
      case 'idle':
        return trickle(res, 0);
      case 'trickle':
        return trickle(res, 1000);
      case undefined:
      default:
        res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    sent,
    stop: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
