// Exec over SPDY through the real protocol, against host processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { containerExec } from '../container_exec';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { UpgradeRefusedError, dialSpdy } from '../../streaming/client/spdy_dial';
import { Collector, eventually, openInput, startFixture, textInput, type StreamingFixture } from './testing/fixture';
import { REMOTE_COMMAND_V2, REMOTE_COMMAND_V4 } from '../../streaming/protocols';

let fx: StreamingFixture;
before(async () => {
  fx = await startFixture();
  fx.backend.addContainer('c1');
});
after(async () => {
  await fx.service.stop();
});

const execUrl = async (
  cmd: string[],
  opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean; tty?: boolean } = {},
) =>
  (
    await containerExec(fx.ctx, {
      container_id: 'c1',
      cmd,
      stdin: opts.stdin ?? false,
      stdout: opts.stdout ?? true,
      stderr: opts.stderr ?? false,
      tty: opts.tty ?? false,
    })
  ).url ?? '';

test('stdin piped to the process comes back on stdout, exit 0', async () => {
  const stdout = new Collector();
  const result = await runRemoteCommand(await execUrl(['cat'], { stdin: true }), {
    stdin: textInput('hello streaming\n'),
    stdout,
    tty: false,
  });
  assert.equal(result.protocol, REMOTE_COMMAND_V4);
  assert.equal(result.exitCode, 0);
  assert.equal(stdout.text, 'hello streaming\n');
});

test('a non-zero exit code is reported on the error stream, stdout and stderr apart', async () => {
  const stdout = new Collector();
  const stderr = new Collector();
  const url = await execUrl(['sh', '-c', 'echo out; echo err >&2; exit 3'], { stderr: true });
  const result = await runRemoteCommand(url, { stdout, stderr, tty: false });
  assert.equal(result.exitCode, 3);
  assert.match(result.message ?? '', /non-zero exit code/);
  assert.equal(stdout.text, 'out\n');
  assert.equal(stderr.text, 'err\n');
});

test('older protocol versions still work (v2: failure as plain text)', async () => {
  const stdout = new Collector();
  const url = await execUrl(['sh', '-c', 'echo v2; exit 1']);
  const result = await runRemoteCommand(url, { stdout, tty: false, protocols: [REMOTE_COMMAND_V2] });
  assert.equal(result.protocol, REMOTE_COMMAND_V2);
  assert.equal(stdout.text, 'v2\n');
  assert.equal(result.exitCode, 1);
});

test('with a tty, terminal sizes sent on the resize stream reach the process', async () => {
  const stdout = new Collector();
  const stdin = openInput();
  const url = await execUrl(['sh', '-c', 'read a; stty size; read b; stty size'], { stdin: true, tty: true });
  let resizerReady: (send: (size: { width: number; height: number }) => void) => void = () => undefined;
  const resizer = new Promise<(size: { width: number; height: number }) => void>((resolve) => {
    resizerReady = resolve;
  });
  const running = runRemoteCommand(url, { stdin, stdout, tty: true, onResizer: (send) => resizerReady(send) });
  const sendSize = await resizer;
  sendSize({ width: 100, height: 30 });
  stdin.write('go\n');
  await stdout.waitFor('30 100');
  sendSize({ width: 120, height: 40 });
  stdin.write('go\n');
  await stdout.waitFor('40 120');
  stdin.end();
  const result = await running;
  assert.equal(result.exitCode, 0);
});

test('a token works once: reuse gets 404', async () => {
  const url = await execUrl(['true']);
  await runRemoteCommand(url, { stdout: new Collector(), tty: false });
  await assert.rejects(
    runRemoteCommand(url, { stdout: new Collector(), tty: false }),
    (err: unknown) => err instanceof UpgradeRefusedError && err.status === 404,
  );
});

test('an expired token gets 404', async () => {
  const short = await startFixture({ tokenTtlMs: 1 });
  try {
    short.backend.addContainer('c1');
    const url =
      (
        await containerExec(short.ctx, {
          container_id: 'c1',
          cmd: ['true'],
          stdin: false,
          stdout: true,
          stderr: false,
          tty: false,
        })
      ).url ?? '';
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(
      runRemoteCommand(url, { stdout: new Collector(), tty: false }),
      (err: unknown) => err instanceof UpgradeRefusedError && err.status === 404,
    );
  } finally {
    await short.service.stop();
  }
});

test('no common protocol version: 403 with the accepted list', async () => {
  const url = await execUrl(['true']);
  await assert.rejects(dialSpdy(url, ['v9.channel.k8s.io']), (err: unknown) => {
    assert.ok(err instanceof UpgradeRefusedError);
    assert.equal(err.status, 403);
    assert.match(String(err.headers['x-accepted-stream-protocol-versions']), /v4\.channel\.k8s\.io/);
    return true;
  });
});

test('a client that disconnects mid-stream leaves no process and no fd behind', async () => {
  const fdsBefore = fs.readdirSync('/proc/self/fd').length;
  const url = await execUrl(['sh', '-c', 'echo $$; exec sleep 600'], { stdin: true });
  const { session } = await dialSpdy(url, [REMOTE_COMMAND_V4]);
  const open = (type: string) => session.openStream(new Map([['streamtype', type]]));
  await open('error');
  await open('stdin');
  const stdout = await open('stdout');
  const pid = Number(await new Promise<string>((resolve) => stdout.once('data', (c: Buffer) => resolve(c.toString()))));
  assert.ok(fs.existsSync(`/proc/${pid}`));
  session.destroy();
  await eventually(() => !fs.existsSync(`/proc/${pid}`), `exec process ${pid} ended`);
  await eventually(() => fs.readdirSync('/proc/self/fd').length <= fdsBefore, 'fds released');
});
