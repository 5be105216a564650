// Plain HTTP answers written straight onto an upgrade socket (Node hands upgrade requests over
// as raw sockets, before any response object exists).
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

export type HeaderList = Array<[string, string]>;

export function writeSwitchingProtocols(socket: Duplex, headers: HeaderList): void {
  socket.write(statusLine(101) + headerLines(headers) + '\r\n');
}

/** Answers with an error status and a text body, then closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, message: string, headers: HeaderList = []): void {
  const body = Buffer.from(message + '\n');
  const all: HeaderList = [
    ...headers,
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ['Connection', 'close'],
  ];
  socket.end(Buffer.concat([Buffer.from(statusLine(status) + headerLines(all) + '\r\n'), body]));
  socket.on('error', () => {
    /* the client may already be gone */
  });
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
}

function headerLines(headers: HeaderList): string {
  return headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
}
