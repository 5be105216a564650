// Exec and port-forward end to end: a real corrald, a busybox pod, and the streaming server
// reached by corral's own SPDY client and by the real crictl (SPDY and WebSocket transports).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Duplex, Readable, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { forwardConnection, openPortForward } from '../../streaming/client/port_forward_client';
import { Collector, eventually, openInput } from '../../server/streaming/testing/fixture';
import { dialSpdy } from '../../streaming/client/spdy_dial';
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
  const config = containerConfig(world.images.busybox, 'app', [
    'sh',
    '-c',
    `echo hi-from-pod > /tmp/index.html; httpd -p 127.0.0.1:${HTTP_PORT} -h /tmp; exec sleep 1000`,
  ]);
  containerId = (
    await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
  ).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: containerId });
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

async function execUrl(
  cmd: string[],
  opts: { stdin?: boolean; tty?: boolean; stderr?: boolean } = {},
): Promise<string> {
  const r = await world.daemon.client.runtime('Exec', {
    container_id: containerId,
    cmd,
    stdin: opts.stdin ?? false,
    stdout: true,
    stderr: opts.stderr ?? false,
    tty: opts.tty ?? false,
  });
  return r.url;
}

test('exec in the container: stdin piped through cat, exit codes reported', async () => {
  const stdout = new Collector();
  const ok = await runRemoteCommand(await execUrl(['cat'], { stdin: true }), {
    stdin: Readable.from([Buffer.from('in the pod\n')]),
    stdout,
    tty: false,
  });
  assert.equal(ok.exitCode, 0);
  assert.equal(stdout.text, 'in the pod\n');
  const stderr = new Collector();
  const failed = await runRemoteCommand(await execUrl(['sh', '-c', 'hostname; echo e >&2; exit 5'], { stderr: true }), {
    stdout: new Collector(),
    stderr,
    tty: false,
  });
  assert.equal(failed.exitCode, 5);
  assert.equal(stderr.text, 'e\n');
});

test('exec with a tty: a terminal in the container, resized by the client', async () => {
  const stdout = new Collector();
  const stdin = openInput();
  let ready: (send: (size: { width: number; height: number }) => void) => void = () => undefined;
  const resizer = new Promise<(size: { width: number; height: number }) => void>((resolve) => {
    ready = resolve;
  });
  const running = runRemoteCommand(await execUrl(['sh', '-c', 'tty; read x; stty size'], { stdin: true, tty: true }), {
    stdin,
    stdout,
    tty: true,
    onResizer: (send) => ready(send),
  });
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
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const local = Duplex.from({
      readable: Readable.from([Buffer.from('GET /index.html HTTP/1.0\r\n\r\n')]),
      writable: new Writable({
        write: (c: Buffer, _e, cb) => {
          reply += c.toString();
          cb();
        },
        final: (cb) => {
          done();
          cb();
        },
      }),
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
  const r = spawnSync(
    CRICTL as string,
    ['--runtime-endpoint', `unix://${world.daemon.dirs.socket}`, '--timeout', '20s', ...args],
    { input, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test(
  'crictl exec -i (SPDY and WebSocket), exit codes, port-forward',
  { skip: !CRICTL && 'no crictl binary' },
  async () => {
    const spdy = crictl(['exec', '-i', containerId, 'cat'], 'hi\n');
    assert.equal(spdy.stdout, 'hi\n', spdy.stderr);
    assert.equal(spdy.status, 0);
    const ws = crictl(['exec', '-i', '-r', 'websocket', containerId, 'cat'], 'over ws\n');
    assert.equal(ws.stdout, 'over ws\n', ws.stderr);
    // crictl exits 1 and names the command's exit code, which came on the v4 error stream.
    const code = crictl(['exec', containerId, 'sh', '-c', 'exit 4']);
    assert.equal(code.status, 1);
    assert.match(code.stderr, /command terminated with exit code 4/);
  },
);

for (const transport of ['spdy', 'websocket']) {
  test(
    `crictl port-forward -r ${transport} reaches the pod's httpd`,
    { skip: !CRICTL && 'no crictl binary' },
    async () => {
      const localPort = 20000 + (process.pid % 20000) + (transport === 'spdy' ? 0 : 1);
      const child = spawn(
        CRICTL as string,
        [
          '--runtime-endpoint',
          `unix://${world.daemon.dirs.socket}`,
          'port-forward',
          '-r',
          transport,
          podId,
          `${localPort}:${HTTP_PORT}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (c: Buffer) => {
            if (c.toString().includes('Forwarding')) resolve();
          });
          let err = '';
          child.stderr.on('data', (c: Buffer) => {
            err += c.toString();
          });
          child.once('exit', (code) => reject(new Error(`crictl port-forward exited ${code}: ${err}`)));
        });
        const reply = await httpGetIndex(localPort);
        assert.match(reply, /200 OK[\s\S]*hi-from-pod/);
      } finally {
        child.kill('SIGTERM');
      }
    },
  );
}

/** GET /index.html through a forwarded local port; the whole reply. */
function httpGetIndex(localPort: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const socket = net.connect(localPort, '127.0.0.1', () => socket.write('GET /index.html HTTP/1.0\r\n\r\n'));
    socket.on('data', (c: Buffer) => {
      text += c.toString();
    });
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

function corralctl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const main = path.join(__dirname, '..', '..', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [main, '--endpoint', `unix://${world.daemon.dirs.socket}`, ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('corralctl exec -i streams stdin and returns the exit code; port-forward forwards', async () => {
  const piped = corralctl(['exec', '-i', containerId, 'cat'], 'via corralctl\n');
  assert.equal(piped.stdout, 'via corralctl\n', piped.stderr);
  assert.equal(piped.status, 0);
  assert.equal(corralctl(['exec', '-i', containerId, 'sh', '-c', 'exit 6'], '').status, 6);
  const child = spawn(
    process.execPath,
    [
      path.join(__dirname, '..', '..', 'cli', 'main.js'),
      '--endpoint',
      `unix://${world.daemon.dirs.socket}`,
      'port-forward',
      podId,
      `0:${HTTP_PORT}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const localPort = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        const m = /127\.0\.0\.1:(\d+)/.exec(c.toString());
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`corralctl port-forward exited ${code}`)));
    });
    const reply = await httpGetIndex(localPort);
    assert.match(reply, /hi-from-pod/);
  } finally {
    child.kill('SIGTERM');
  }
});

/** A container reading its stdin (stdin_once: it ends when the attached client closes stdin). */
async function startEchoContainer(name: string): Promise<string> {
  const pod = podConfig('streaming');
  const config = containerConfig(
    world.images.busybox,
    name,
    ['sh', '-c', 'echo ready; while read l; do echo "got:$l"; done; echo bye'],
    { stdin: true, stdin_once: true, tty: false },
  );
  const id = (
    await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
  ).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: id });
  return id;
}

test('attach: output as it is produced, input reaches the container, stdin_once ends it', async () => {
  const id = await startEchoContainer('echo1');
  const { url } = await world.daemon.client.runtime('Attach', {
    container_id: id,
    stdin: true,
    stdout: true,
    stderr: true,
    tty: false,
  });
  const stdin = openInput();
  const stdout = new Collector();
  const running = runRemoteCommand(url, { stdin, stdout, stderr: new Collector(), tty: false });
  stdin.write('one\n');
  await stdout.waitFor('got:one');
  stdin.write('two\n');
  await stdout.waitFor('got:two');
  stdin.end();
  const result = await running;
  assert.equal(result.exitCode, 0);
  await stdout.waitFor('bye');
});

test('crictl attach -i', { skip: !CRICTL && 'no crictl binary' }, async () => {
  const id = await startEchoContainer('echo2');
  const r = crictl(['attach', '-i', id], 'from crictl\n');
  assert.match(r.stdout, /got:from crictl/, r.stderr);
});

test(
  'crictl exec -it sh: an interactive shell at the size of the user terminal',
  { skip: !CRICTL && 'no crictl binary' },
  async () => {
    // script(1) gives crictl a terminal, as a user's shell would.
    const command = `stty cols 77 rows 22; ${CRICTL} --runtime-endpoint unix://${world.daemon.dirs.socket} exec -it ${containerId} sh`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      input: 'echo hi-$((40+2)); stty size\nexit 3\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.match(r.stdout, /hi-42/);
    assert.match(r.stdout, /22 77/);
    assert.match(r.stdout, /command terminated with exit code 3/);
  },
);

/** Children of corrald (the exec helpers it spawned). */
function corraldChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          Number(
            readFileSync(`/proc/${d}/stat`, 'utf8')
              .replace(/^.*\) /s, '')
              .split(' ')[1],
          ) === world.daemon.pid
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('a client that disconnects mid-exec leaves no process in the container and no helper', async () => {
  const before = corraldChildren();
  const { session } = await dialSpdy(await execUrl(['sh', '-c', 'echo $$; exec sleep 600'], { stdin: true }), [
    'v4.channel.k8s.io',
  ]);
  const open = (type: string) => session.openStream(new Map([['streamtype', type]]));
  await open('error');
  await open('stdin');
  const stdout = await open('stdout');
  const pid = (
    await new Promise<string>((resolve) => stdout.once('data', (c: Buffer) => resolve(c.toString())))
  ).trim();
  const alive = async () =>
    (await world.daemon.client.runtime('ExecSync', { container_id: containerId, cmd: ['kill', '-0', pid], timeout: 5 }))
      .exit_code === 0;
  assert.ok(await alive());
  session.destroy();
  await eventually(async () => !(await alive()), `exec'd process ${pid} ended in the container`);
  await eventually(() => corraldChildren().every((p) => before.includes(p)), 'exec helper gone');
});

test('attach to a tty container: its terminal, resized by the client', async () => {
  const pod = podConfig('streaming');
  const config = containerConfig(world.images.busybox, 'term', ['sh', '-c', 'read x; stty size; read y'], {
    stdin: true,
    tty: true,
  });
  const id = (
    await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
  ).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: id });
  const { url } = await world.daemon.client.runtime('Attach', {
    container_id: id,
    stdin: true,
    stdout: true,
    stderr: false,
    tty: true,
  });
  const stdin = openInput();
  const stdout = new Collector();
  let ready: (send: (size: { width: number; height: number }) => void) => void = () => undefined;
  const resizer = new Promise<(size: { width: number; height: number }) => void>((resolve) => {
    ready = resolve;
  });
  const running = runRemoteCommand(url, { stdin, stdout, tty: true, onResizer: (send) => ready(send) });
  (await resizer)({ width: 55, height: 19 });
  stdin.write('go\n');
  await stdout.waitFor('19 55');
  stdin.write('done\n');
  assert.equal((await running).exitCode, 0);
});
