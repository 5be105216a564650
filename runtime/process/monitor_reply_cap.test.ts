// A monitor socket that answers without end (no newline) is cut off at 4 KiB with a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_MONITOR_REPLY_BYTES, controlSocketPath, monitorCommand } from './monitor_client';

test('an endless monitor reply is refused after the cap', async (t) => {
  const bundle = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-monitor-'));
  t.after(() => fs.rm(bundle, { recursive: true, force: true }));
  let sent = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (!socket.destroyed && sent < 256 * 1024 * 1024) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  server.listen(controlSocketPath(bundle));
  await new Promise((r) => server.once('listening', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  await assert.rejects(monitorCommand(bundle, 'reopen'), new RegExp(`longer than ${MAX_MONITOR_REPLY_BYTES} bytes`));
  assert.ok(sent < 16 * 1024 * 1024, `the fake monitor got to send ${sent} bytes`);
});
