// Terminals come from the container's own devpts, as under runc: `tty` names /dev/pts/<n> that
// exists inside, `stty size` follows the client's resize, and ^C reaches the foreground job of an
// interactive shell (job control). For exec with a tty and for a tty container's init (attach).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { Collector, openInput } from '../../server/streaming/testing/fixture';
import { containerConfig, podConfig } from '../lifecycle/fixture';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import type { NetworkWorld } from '../network/world';

type Size = { width: number; height: number };
let world: NetworkWorld;
let podId: string;
const pod = podConfig('tty');

before(async () => {
  world = await acquireWorld('tty');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await releaseWorld();
});

async function startContainer(name: string, command: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const client = world.daemon.client;
  const config = containerConfig(world.images.busybox, name, command, extra);
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  return id;
}

/** Runs a streaming session with a terminal; resolves once the resizer is ready. */
async function terminalSession(url: string) {
  const stdin = openInput();
  const stdout = new Collector();
  let ready: (send: (size: Size) => void) => void = () => undefined;
  const resizer = new Promise<(size: Size) => void>((resolve) => {
    ready = resolve;
  });
  const running = runRemoteCommand(url, { stdin, stdout, tty: true, onResizer: (send) => ready(send) });
  return { stdin, stdout, running, resize: await resizer };
}

test("exec -it: the terminal is the container's /dev/pts/<n>, sized by the client", async () => {
  const id = await startContainer('exec', ['sleep', '1000']);
  const { url } = await world.daemon.client.runtime('Exec', {
    container_id: id,
    cmd: ['sh', '-c', 'read x; t=$(tty); echo "tty=$t"; ls "$t" && echo exists; stty size'],
    stdin: true,
    stdout: true,
    stderr: false,
    tty: true,
  });
  const session = await terminalSession(url);
  session.resize({ width: 91, height: 27 });
  session.stdin.write('go\n');
  await session.stdout.waitFor('27 91');
  session.stdin.end();
  assert.equal((await session.running).exitCode, 0);
  assert.match(session.stdout.text, /tty=\/dev\/pts\/\d+\r?\n/);
  assert.match(session.stdout.text, /exists/);
});

test('exec -it sh: ^C stops the foreground job, the shell lives on', async () => {
  const id = await startContainer('jobs', ['sleep', '1000']);
  const { url } = await world.daemon.client.runtime('Exec', {
    container_id: id,
    cmd: ['sh', '-i'],
    stdin: true,
    stdout: true,
    stderr: false,
    tty: true,
  });
  const session = await terminalSession(url);
  session.stdin.write('sleep 600; echo slept\n');
  await new Promise((resolve) => setTimeout(resolve, 500));
  session.stdin.write('\x03'); // the terminal's INTR character
  session.stdin.write('echo alive-$((40+2))\n');
  await session.stdout.waitFor('alive-42');
  session.stdin.write('exit 4\n');
  assert.equal((await session.running).exitCode, 4);
  assert.doesNotMatch(session.stdout.text, /^slept\r?$/m, 'the interrupted job never finished');
});

test("a tty container's init has the container's /dev/pts/<n> as its terminal (attach)", async () => {
  const id = await startContainer('init', ['sh', '-c', 'read x; echo "tty=$(tty)"; stty size; read y'], {
    stdin: true,
    tty: true,
  });
  const { url } = await world.daemon.client.runtime('Attach', {
    container_id: id,
    stdin: true,
    stdout: true,
    stderr: false,
    tty: true,
  });
  const session = await terminalSession(url);
  session.resize({ width: 55, height: 19 });
  session.stdin.write('go\n');
  await session.stdout.waitFor('19 55');
  session.stdin.write('done\n');
  assert.equal((await session.running).exitCode, 0);
  assert.match(session.stdout.text, /tty=\/dev\/pts\/\d+\r?\n/);
});
