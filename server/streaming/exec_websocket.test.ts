// Exec over WebSocket (v5.channel.k8s.io and v4) through the real protocol.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { containerExec } from '../container_exec';
import { startFixture, type StreamingFixture } from './testing/fixture';

let fx: StreamingFixture;
before(async () => {
  fx = await startFixture();
  fx.backend.addContainer('c1');
});
after(async () => {
  await fx.service.stop();
});

interface WsOutcome {
  protocol: string;
  stdout: string;
  status: string;
}

/** Connects, sends `stdin` then (v5) the close signal for channel 0, and collects until the server closes. */
function runWs(url: string, protocols: string[], stdin?: string): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    let stdout = '';
    let status = '';
    ws.on('open', () => {
      if (stdin !== undefined) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
      if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, stdout, status }));
    ws.on('error', reject);
  });
}

const url = async (cmd: string[], stdin: boolean) =>
  (
    await containerExec(fx.ctx, { container_id: 'c1', cmd, stdin, stdout: true, stderr: false, tty: false })
  ).url?.replace(/^http/, 'ws') ?? '';

test('v5: stdin, half-closed with the close signal, comes back on stdout; success status', async () => {
  const out = await runWs(await url(['cat'], true), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], 'over websocket');
  assert.equal(out.protocol, 'v5.channel.k8s.io');
  assert.equal(out.stdout, 'over websocket');
  assert.equal((JSON.parse(out.status) as { status: string }).status, 'Success');
});

test('v4: a non-zero exit code arrives as NonZeroExitCode with the code as its cause', async () => {
  const out = await runWs(await url(['sh', '-c', 'echo before; exit 7'], false), ['v4.channel.k8s.io']);
  assert.equal(out.protocol, 'v4.channel.k8s.io');
  assert.equal(out.stdout, 'before\n');
  const status = JSON.parse(out.status) as { reason: string; details: { causes: unknown[] } };
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '7' }]);
});

test('an unsupported subprotocol is refused with 403', async () => {
  const target = await url(['true'], false);
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(target, ['v9.channel.k8s.io']);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
  assert.equal(status, 403);
});
