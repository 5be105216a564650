// A streaming client that upgrades, then sends pings as fast as the server takes them and never
// reads a byte (issue 19, item 3). Run as: node dist/…/ping_flooder.js spdy|ws URL MAX_BYTES SECONDS.
// Prints {sent, ms, closedAfterMs} once the server cut it off, MAX_BYTES went out, or time ran out.
import * as net from 'node:net';
import * as crypto from 'node:crypto';

const [mode, url, maxBytes, seconds] = process.argv.slice(2);
const { port, pathname } = new URL(url);
const socket = net.connect(Number(port), '127.0.0.1');
const started = Date.now();
let sent = 0;
let closedAfterMs: number | null = null;

const request =
  mode === 'spdy'
    ? `POST ${pathname} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
      `X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`
    : `GET ${pathname} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n` +
      `Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`;

/** 64 KiB of pings, built once (the server answers each one; ids may repeat). */
const BATCH = (() => {
  const frame =
    mode === 'spdy'
      ? Buffer.from([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]) // PING id 1
      : Buffer.from([0x89, 0x80, 1, 2, 3, 4]); // masked, empty WebSocket ping
  return Buffer.concat(Array.from({ length: Math.floor(65536 / frame.length) }, () => frame));
})();

function report(): void {
  console.log(JSON.stringify({ sent, ms: Date.now() - started, closedAfterMs }));
  process.exit(0);
}

function pump(): void {
  while (closedAfterMs === null && sent < Number(maxBytes)) {
    sent += BATCH.length;
    if (!socket.write(BATCH)) {
      socket.once('drain', pump);
      return;
    }
  }
  if (sent >= Number(maxBytes)) setTimeout(report, 500);
}

socket.on('connect', () => {
  socket.write(request);
  setTimeout(pump, 200);
});
socket.on('error', () => undefined);
socket.on('close', () => {
  closedAfterMs = Date.now() - started;
  report();
});
setTimeout(report, Number(seconds) * 1000);
