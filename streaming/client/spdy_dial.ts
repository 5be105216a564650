// The client end of an upgrade to SPDY/3.1 (corralctl and the tests speak the protocol this way).
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { SpdySession } from '../spdy/session';
import { HEADER_PROTOCOL_VERSION, SPDY_UPGRADE } from '../protocols';

export interface SpdyDial {
  session: SpdySession;
  protocol: string;
}

/** An HTTP failure before the upgrade: the status and the server's message. */
export class UpgradeRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: http.IncomingHttpHeaders,
  ) {
    super(`upgrade refused: ${status} ${body.trim()}`);
  }
}

export function dialSpdy(url: string, protocols: string[]): Promise<SpdyDial> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: SPDY_UPGRADE, [HEADER_PROTOCOL_VERSION]: protocols.join(', ') },
    });
    req.once('upgrade', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      resolve({
        session: new SpdySession(socket, 'client'),
        protocol: String(res.headers[HEADER_PROTOCOL_VERSION.toLowerCase()] ?? ''),
      });
    });
    req.once('response', (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, body, res.headers)));
    });
    req.once('error', reject);
    req.end();
  });
}
