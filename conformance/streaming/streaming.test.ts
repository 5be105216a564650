// Exec and port-forward end to end: a real corrald, a busybox pod, and the streaming server
// reached by corral's own SPDY client and by the real crictl (SPDY and WebSocket transports).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { Duplex, Readable, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runRemoteCommand } from '../../server/streaming/client/remote_command_client';
import { forwardConnection, openPortForward } from '../../server/streaming/client/port_forward_client';
import { Collector, openInput } from '../../server/streaming/testing/fixture';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

const CRICTL = ['/usr/local/bin/crictl', '/opt/anchors/bin/crictl'].find((p) => existsSync(p));
const HTTP_PORT = 8080;
let world: LifecycleWorld;
let podId: string;
let containerId: string;

before(async () => {
  world = await startWorld('streaming');
  const pod = podConfig('streaming');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  const config = containerConfig(world.images.busybox, 'app',
    ['sh', '-c', `echo hi-from-pod > /tmp/index.html; httpd -p 127.0.0.1:${HTTP_PORT} -h /tmp; exec sleep 1000`]);
  containerId = (await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: containerId });
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

async function execUrl(cmd: string[], opts: { stdin?: boolean; tty?: boolean; stderr?: boolean } = {}): Promise<string> {
  const r = await world.daemon.client.runtime('Exec', {
    container_id: containerId, cmd, stdin: opts.stdin ?? false, stdout: true, stderr: opts.stderr ?? false, tty: opts.tty ?? false,
  });
  return r.url;
}

test('exec in the container: stdin piped through cat, exit codes reported', async () => {
  const stdout = new Collector();
  const ok = await runRemoteCommand(await execUrl(['cat'], { stdin: true }), { stdin: Readable.from([Buffer.from('in the pod\n')]), stdout, tty: false });
  assert.equal(ok.exitCode, 0);
  assert.equal(stdout.text, 'in the pod\n');
  const stderr = new Collector();
  const failed = await runRemoteCommand(await execUrl(['sh', '-c', 'hostname; echo e >&2; exit 5'], { stderr: true }), { stdout: new Collector(), stderr, tty: false });
  assert.equal(failed.exitCode, 5);
  assert.equal(stderr.text, 'e\n');
});

test('exec with a tty: a terminal in the container, resized by the client', async () => {
  const stdout = new Collector();
  const stdin = openInput();
  let ready: (send: (size: { width: number; height: number }) => void) => void = () => undefined;
  const resizer = new Promise<(size: { width: number; height: number }) => void>((resolve) => { ready = resolve; });
  const running = runRemoteCommand(await execUrl(['sh', '-c', 'tty; read x; stty size'], { stdin: true, tty: true }),
    { stdin, stdout, tty: true, onResizer: (send) => ready(send) });
  (await resizer)({ width: 91, height: 27 });
  stdin.write('go\n');
  await stdout.waitFor('27 91');
  stdin.end();
  assert.equal((await running).exitCode, 0);
  assert.match(stdout.text, /\/dev\/pts\/\d+|not a tty/);
});

test('port-forward reaches a server on the pod loopback', async () => {
  const { url } = await world.daemon.client.runtime('PortForward', { pod_sandbox_id: podId, port: [HTTP_PORT] });
  const session = await openPortForward(url);
  try {
    let reply = '';
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => { done = resolve; });
    const local = Duplex.from({
      readable: Readable.from([Buffer.from('GET /index.html HTTP/1.0\r\n\r\n')]),
      writable: new Writable({ write: (c: Buffer, _e, cb) => { reply += c.toString(); cb(); }, final: (cb) => { done(); cb(); } }),
    });
    const errorText = await forwardConnection(session, HTTP_PORT, 0, local);
    await finished;
    assert.equal(errorText, '');
    assert.match(reply, /200 OK[\s\S]*hi-from-pod/);
  } finally {
    session.close();
  }
});

function crictl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(CRICTL as string, ['--runtime-endpoint', `unix://${world.daemon.dirs.socket}`, '--timeout', '20s', ...args],
    { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('crictl exec -i (SPDY and WebSocket), exit codes, port-forward', { skip: (!CRICTL && 'no crictl binary') }, async () => {
  const spdy = crictl(['exec', '-i', containerId, 'cat'], 'hi\n');
  assert.equal(spdy.stdout, 'hi\n', spdy.stderr);
  assert.equal(spdy.status, 0);
  const ws = crictl(['exec', '-i', '-r', 'websocket', containerId, 'cat'], 'over ws\n');
  assert.equal(ws.stdout, 'over ws\n', ws.stderr);
  // crictl exits 1 and names the command's exit code, which came on the v4 error stream.
  const code = crictl(['exec', containerId, 'sh', '-c', 'exit 4']);
  assert.equal(code.status, 1);
  assert.match(code.stderr, /command terminated with exit code 4/);
});

test('crictl port-forward reaches the pod\'s httpd', { skip: (!CRICTL && 'no crictl binary') }, async () => {
  const localPort = 20000 + (process.pid % 20000);
  const child = spawn(CRICTL as string, ['--runtime-endpoint', `unix://${world.daemon.dirs.socket}`, 'port-forward', podId, `${localPort}:${HTTP_PORT}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => { if (c.toString().includes('Forwarding')) resolve(); });
      child.once('exit', (code) => reject(new Error(`crictl port-forward exited ${code}`)));
    });
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(localPort, '127.0.0.1', () => socket.write('GET /index.html HTTP/1.0\r\n\r\n'));
      socket.on('data', (c: Buffer) => { text += c.toString(); });
      socket.once('end', () => resolve(text));
      socket.once('error', reject);
    });
    assert.match(reply, /200 OK[\s\S]*hi-from-pod/);
  } finally {
    child.kill('SIGTERM');
  }
});

function corralctl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const main = path.join(__dirname, '..', '..', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [main, '--endpoint', `unix://${world.daemon.dirs.socket}`, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('corralctl exec -i streams stdin and returns the exit code; port-forward forwards', async () => {
  const piped = corralctl(['exec', '-i', containerId, 'cat'], 'via corralctl\n');
  assert.equal(piped.stdout, 'via corralctl\n', piped.stderr);
  assert.equal(piped.status, 0);
  assert.equal(corralctl(['exec', '-i', containerId, 'sh', '-c', 'exit 6'], '').status, 6);
  const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'cli', 'main.js'), '--endpoint', `unix://${world.daemon.dirs.socket}`,
    'port-forward', podId, `0:${HTTP_PORT}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const localPort = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => { const m = /127\.0\.0\.1:(\d+)/.exec(c.toString()); if (m) resolve(Number(m[1])); });
      child.once('exit', (code) => reject(new Error(`corralctl port-forward exited ${code}`)));
    });
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(localPort, '127.0.0.1', () => socket.write('GET /index.html HTTP/1.0\r\n\r\n'));
      socket.on('data', (c: Buffer) => { text += c.toString(); });
      socket.once('end', () => resolve(text));
      socket.once('error', reject);
    });
    assert.match(reply, /hi-from-pod/);
  } finally {
    child.kill('SIGTERM');
  }
});
