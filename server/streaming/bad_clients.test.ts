// Clients that break the protocol: each session ends with an error, nothing is left running,
// and the server keeps serving the next client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerExec } from '../container_exec';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { dialSpdy } from '../../streaming/client/spdy_dial';
import { Collector, eventually, startFixture, type StreamingFixture } from './testing/fixture';
import { REMOTE_COMMAND_V4 } from '../../streaming/protocols';

let fx: StreamingFixture;
let dir: string;
before(async () => {
  fx = await startFixture({ idleTimeoutMs: 1000 });
  fx.backend.addContainer('c1');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corral-streaming-'));
});
after(async () => {
  await fx.service.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const execUrl = async (cmd: string[]) =>
  (await containerExec(fx.ctx, { container_id: 'c1', cmd, stdin: false, stdout: true, stderr: false, tty: false }))
    .url ?? '';

async function stillServes(): Promise<void> {
  const stdout = new Collector();
  const result = await runRemoteCommand(await execUrl(['echo', 'alive']), { stdout, tty: false });
  assert.equal(result.exitCode, 0);
  assert.equal(stdout.text, 'alive\n');
}

function sessionEnd(session: { once(event: 'close', l: (err?: Error) => void): unknown }): Promise<Error | undefined> {
  return new Promise((resolve) => session.once('close', resolve));
}

test('a malformed frame (wrong SPDY version) ends the session', async () => {
  const { session } = await dialSpdy(await execUrl(['true']), [REMOTE_COMMAND_V4]);
  const ended = sessionEnd(session);
  const socket = (session as unknown as { socket: NodeJS.WritableStream }).socket;
  socket.write(Buffer.from([0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]));
  await ended;
  await stillServes();
});

test('garbage header compression ends the session', async () => {
  const { session } = await dialSpdy(await execUrl(['true']), [REMOTE_COMMAND_V4]);
  const ended = sessionEnd(session);
  const socket = (session as unknown as { socket: NodeJS.WritableStream }).socket;
  const frame = Buffer.from([
    0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
  ]);
  socket.write(frame);
  await ended;
  await stillServes();
});

test('an oversized control frame ends the session', async () => {
  const { session } = await dialSpdy(await execUrl(['true']), [REMOTE_COMMAND_V4]);
  const ended = sessionEnd(session);
  const socket = (session as unknown as { socket: NodeJS.WritableStream }).socket;
  socket.write(Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00]));
  await ended;
  await stillServes();
});

test('an unknown stream type is refused and ends the session', async () => {
  const { session } = await dialSpdy(await execUrl(['true']), [REMOTE_COMMAND_V4]);
  const ended = sessionEnd(session);
  await assert.rejects(session.openStream(new Map([['streamtype', 'bogus']])));
  await ended;
  await stillServes();
});

test('a client that never reads: the session times out and the process is ended', async () => {
  const pidFile = path.join(dir, 'pid');
  const { session } = await dialSpdy(await execUrl(['sh', '-c', `echo $$ > ${pidFile}; exec yes`]), [
    REMOTE_COMMAND_V4,
  ]);
  const socket = (session as unknown as { socket: NodeJS.ReadableStream }).socket;
  const ended = sessionEnd(session);
  await session.openStream(new Map([['streamtype', 'error']]));
  const stdout = await session.openStream(new Map([['streamtype', 'stdout']]));
  socket.pause(); // from here on nothing is read
  await eventually(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 'exec started');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  await eventually(() => !fs.existsSync(`/proc/${pid}`), `process ${pid} ended by the idle timeout`);
  stdout.resume();
  socket.resume();
  await ended;
  await eventually(() => !fs.existsSync(`/proc/${pid}`), `process ${pid} ended`);
  await stillServes();
});

function rawRequest(url: string, headerBytes: number): Promise<string> {
  const { port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
          `X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Padding: ${'a'.repeat(headerBytes)}\r\n\r\n`,
      );
    });
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
}

test('oversized request headers are refused before any session starts', async () => {
  const reply = await rawRequest(await execUrl(['true']), 64 * 1024);
  assert.match(reply, /^HTTP\/1\.1 431/);
  await stillServes();
});

test('a plain request (no upgrade) to a valid token gets 400 and uses the token up; unknown paths 404', async () => {
  const url = await execUrl(['true']);
  assert.equal((await fetch(url)).status, 400);
  assert.equal((await fetch(url)).status, 404);
  assert.equal((await fetch(url.replace(/\/exec\//, '/nothing/'))).status, 404);
});
