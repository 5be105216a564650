// corralctl run, as docker run is used: pull when absent, output, exit code, --rm leaves nothing,
// -d with a name, environment and working directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { mountsUnder, startWorld, stopWorld, type LifecycleWorld } from './fixture';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('run');
});
after(async () => {
  await stopWorld(world);
});

function ctl(...args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, [CORRALCTL, '--endpoint', `unix://${world.daemon.dirs.socket}`, ...args], {
    encoding: 'utf8',
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

async function nothingLeft(): Promise<void> {
  assert.deepEqual((await world.daemon.client.runtime('ListContainers', {})).containers, []);
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
}

test('run --rm IMAGE echo hi prints hi, exits 0 and leaves nothing; an exit code comes back', async () => {
  const hi = ctl('run', '--rm', world.images.busybox, 'echo', 'hi');
  assert.equal(hi.code, 0, hi.err);
  assert.equal(hi.out, 'hi\n');
  await nothingLeft();
  const three = ctl('run', '--rm', world.images.busybox, 'sh', '-c', 'echo out; echo err >&2; exit 3');
  assert.equal(three.code, 3);
  assert.equal(three.out, 'out\n');
  assert.equal(three.err, 'err\n');
  await nothingLeft();
});

test('run pulls an absent image; -d --name -e -w start it in the background', async () => {
  const r = ctl(
    'run',
    '-d',
    '--name',
    'bg',
    '-e',
    'GREETING=hello',
    '-w',
    '/tmp',
    world.images.busyboxUser,
    'sh',
    '-c',
    'echo "$GREETING from $(pwd)"; exec sleep 100',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^pulling /);
  const id = r.out.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  for (let i = 0; i < 100 && ctl('logs', id).out === ''; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(ctl('logs', id).out, 'hello from /tmp\n');
  const { containers } = await world.daemon.client.runtime('ListContainers', {});
  assert.equal(containers[0]?.metadata?.name, 'bg');
  const podId = containers[0].pod_sandbox_id;
  assert.equal(ctl('stopp', podId).code, 0);
  assert.equal(ctl('rmp', podId).code, 0);
  await nothingLeft();
});

test('run refuses bad flags before making anything', async () => {
  for (const args of [
    ['--bogus', 'x'],
    ['-v', 'relative:/x', 'img'],
    ['--net', 'bridge', 'img'],
    ['-e', 'NOEQUALS', 'img'],
    [],
  ]) {
    const r = ctl('run', ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(
      r.err,
      /^corralctl: (unknown flag --bogus\nusage: corralctl run|-v takes|--net is host or pod|-e takes|missing IMAGE)/,
    );
  }
  await nothingLeft();
});
