// corralctl against a real corrald: the crictl-like verbs a person uses, end to end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { containerConfig, mountsUnder, podConfig, startWorld, stopWorld, type LifecycleWorld } from './fixture';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('ctl');
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

function ok(...args: string[]): string {
  const r = ctl(...args);
  assert.equal(r.code, 0, `corralctl ${args.join(' ')} failed: ${r.err}`);
  return r.out;
}

test('runp, create, start, ps, exec, logs, inspect, stop, rm, pods, inspectp, stopp, rmp', async () => {
  const dir = path.join(world.daemon.dirs.base, 'ctl');
  await fs.mkdir(dir);
  const podFile = path.join(dir, 'pod.json');
  const containerFile = path.join(dir, 'container.json');
  await fs.writeFile(podFile, JSON.stringify(podConfig('ctl', { log_directory: path.join(dir, 'logs') })));
  await fs.writeFile(
    containerFile,
    JSON.stringify(
      containerConfig(world.images.busybox, 'web', ['sh', '-c', 'echo "$GREETING, log"; exec sleep 1000'], {
        envs: [{ key: 'GREETING', value: 'hello' }],
      }),
    ),
  );

  const podId = ok('runp', podFile).trim();
  assert.match(podId, /^[0-9a-f]{64}$/);
  const id = ok('create', podId, containerFile, podFile).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(ok('ps', '-q').trim(), '', 'a created container is not running yet');
  assert.equal(ok('ps', '-a', '-q').trim(), id);
  ok('start', id.slice(0, 12));
  assert.match(ok('ps'), new RegExp(`${id.slice(0, 13)}.*RUNNING\\s+web`));
  assert.equal(ok('exec', id.slice(0, 12), 'sh', '-c', 'echo $GREETING from exec').trim(), 'hello from exec');
  assert.equal(ctl('exec', id, 'sh', '-c', 'exit 4').code, 4, "exec exits with the command's code");
  assert.equal(ok('logs', id).trim(), 'hello, log');
  const inspect = JSON.parse(ok('inspect', id)) as { status: { state: string }; info: { info: { pid: number } } };
  assert.equal(inspect.status.state, 'CONTAINER_RUNNING');
  assert.ok(inspect.info.info.pid > 0);
  assert.equal((JSON.parse(ok('inspectp', podId)) as { status: { state: string } }).status.state, 'SANDBOX_READY');
  assert.match(ok('pods'), /ctl\s+e2e/);

  assert.equal(ctl('rm', id).code, 1, 'rm refuses a running container without -f');
  ok('stop', '-t', '1', id);
  assert.match(ok('ps', '-a'), /EXITED/);
  assert.equal(ok('logs', '-f', id).trim(), 'hello, log', 'logs -f ends when the container has exited');
  ok('rm', id);
  ok('stopp', podId);
  assert.match(ok('pods', '--state', 'notready', '-q'), new RegExp(podId));
  ok('rmp', podId);
  assert.equal(ok('pods', '-q').trim(), '');
  assert.notEqual(ctl('inspect', id).code, 0);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});

test('names work wherever an ID does; a shared name is refused with a clear error; rm -a and rmp -a', async (t) => {
  t.after(async () => {
    const { items } = await world.daemon.client.runtime('ListPodSandbox', {});
    for (const pod of items) await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  });
  const dir = path.join(world.daemon.dirs.base, 'names');
  await fs.mkdir(dir);
  const file = async (name: string, config: object) => {
    const at = path.join(dir, name);
    await fs.writeFile(at, JSON.stringify(config));
    return at;
  };
  const sleeper = (name: string) =>
    containerConfig(world.images.busybox, name, ['sh', '-c', 'echo hi; exec sleep 1000']);
  const logs = path.join(dir, 'logs');
  const alphaPod = await file('alpha.json', podConfig('alpha', { log_directory: logs }));
  const betaPod = await file('beta.json', podConfig('beta', { log_directory: logs }));
  const alphaId = ok('runp', alphaPod).trim();
  ok('runp', betaPod);
  const web = await file('web.json', sleeper('web'));
  const side = await file('side.json', sleeper('side'));
  const webId = ok('create', 'alpha', web, alphaPod).trim();
  ok('create', 'beta', web, betaPod);
  const sideId = ok('create', alphaId.slice(0, 10), side, alphaPod).trim();

  assert.equal(ok('start', 'side').trim(), sideId, 'start by name');
  assert.equal(ok('exec', 'side', 'echo', 'by name').trim(), 'by name');
  for (let i = 0; i < 50 && ctl('logs', 'side').out === ''; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ok('logs', 'side'), 'hi\n');
  assert.equal((JSON.parse(ok('inspect', 'side')) as { status: { id: string } }).status.id, sideId);
  assert.equal((JSON.parse(ok('inspectp', 'alpha')) as { status: { id: string } }).status.id, alphaId);
  assert.equal(
    ok('ps', '-a', '-q', '-p', 'alpha').split('\n').filter(Boolean).sort().join(),
    [webId, sideId].sort().join(),
  );
  const shared = ctl('start', 'web');
  assert.equal(shared.code, 1);
  assert.match(shared.err, /^corralctl: 2 containers are named web \([0-9a-f]{13}, [0-9a-f]{13}\): use an ID\n$/);
  assert.equal(ok('start', webId.slice(0, 12)).trim(), webId, 'an ID prefix still works');
  assert.equal(ctl('inspect', 'nosuch').err, 'corralctl: no container is named nosuch\n');
  assert.match(ctl('inspect', 'abcdef').err, /NOT_FOUND/);
  assert.equal(ok('stop', '-t', '0', 'side').trim(), sideId);

  assert.equal(ctl('rm', '-a').code, 1, 'rm -a refuses running containers without -f');
  assert.equal(ok('ps', '-a', '-q').trim(), webId, 'only the running one is left');
  assert.equal(ctl('rm', '-a', 'web').code, 1, '-a and names do not mix');
  ok('rm', '-a', '-f');
  assert.equal(ok('ps', '-a', '-q'), '');
  assert.equal(ctl('rmp', '-a').code, 1, 'rmp -a refuses ready pods without -f');
  ok('rmp', '-a', '-f');
  assert.equal(ok('pods', '-q'), '');
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});
