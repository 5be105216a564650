// Attach output respects the client: while nobody reads the attach's stdout, corrald stops
// reading the monitor socket instead of buffering whatever the container prints.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { attachToMonitor } from './attach_stream';
import { controlSocketPath } from './monitor_client';

const FRAME = 16 * 1024;
const TOTAL = 64 << 20;

/** A stand-in monitor that answers "attach" and then sends stdout frames as fast as it may. */
function floodingMonitor(bundleDir: string): Promise<{ stop: () => void; sent: () => number }> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const frame = Buffer.alloc(5 + FRAME, 'x');
  frame[0] = 1;
  frame.writeUInt32BE(FRAME, 1);
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write('ok\n');
      const pump = () => {
        while (sent < TOTAL) {
          sent += frame.length;
          if (!socket.write(frame)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
  const stop = () => {
    for (const socket of sockets) socket.destroy();
    server.close();
  };
  return new Promise((resolve) =>
    server.listen(controlSocketPath(bundleDir), () => resolve({ stop, sent: () => sent })),
  );
}

test('a client that does not read its attach output pauses the monitor socket; output stays bounded', async () => {
  const bundleDir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-attach-'));
  const { stop, sent } = await floodingMonitor(bundleDir);
  try {
    const attach = await attachToMonitor(bundleDir, { stdin: false, stdout: true, stderr: false, tty: false }, false);
    // Nobody reads attach.stdout for a while.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const held = attach.stdout!.readableLength;
    assert.ok(held <= 256 * 1024, `corrald holds ${held} bytes of output for a client that reads nothing`);
    assert.ok(sent() < 16 << 20, `the monitor could push ${sent()} bytes into corrald`);
    // Reading resumes the flow.
    let read = 0;
    attach.stdout!.on('data', (chunk: Buffer) => (read += chunk.length));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(read > held, 'output flows again once the client reads');
    attach.detach();
    await attach.ended;
  } finally {
    stop();
    await fs.rm(bundleDir, { recursive: true, force: true });
  }
});
