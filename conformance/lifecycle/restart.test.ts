// kill -9 corrald and start it again: running containers still RUNNING with the same pids,
// a container that exited meanwhile EXITED with its real exit code, nothing duplicated or lost.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  cgroupParentDirs,
  containerConfig,
  eventually,
  isAlive,
  mountsUnder,
  podConfig,
  restart,
  startWorld,
  stopWorld,
  untilGone,
  type LifecycleWorld,
} from './fixture';

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('restart');
});
after(async () => {
  await stopWorld(world);
});

async function pidOf(id: string): Promise<number> {
  const status = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: true });
  return (JSON.parse(status.info.info) as { pid: number }).pid;
}

test('containers survive a corrald crash; exits while it was down keep their real codes', async () => {
  const client = world.daemon.client;
  const hostDir = path.join(world.daemon.dirs.base, 'signal');
  await fs.mkdir(hostDir);
  const pod = podConfig('survivor', { log_directory: path.join(world.daemon.dirs.base, 'logs') });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const infraPid = (
    JSON.parse((await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: true })).info.info) as {
      pid: number;
    }
  ).pid;
  const start = async (name: string, command: string[], extra = {}) => {
    const config = containerConfig(world.images.busybox, name, command, extra);
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    return id;
  };
  const steady = await start('steady', ['sh', '-c', 'while true; do echo tick; sleep 0.2; done']);
  const quitter = await start('quitter', ['sh', '-c', 'while [ ! -e /signal/go ]; do sleep 0.05; done; exit 7'], {
    mounts: [{ container_path: '/signal', host_path: hostDir }],
  });
  const steadyPid = await pidOf(steady);
  const quitterPid = await pidOf(quitter);

  const steadyLog = path.join(world.daemon.dirs.base, 'logs', 'steady.log');
  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  await fs.writeFile(path.join(hostDir, 'go'), '');
  await untilGone(quitterPid);
  assert.ok(isAlive(steadyPid), 'a crash of corrald leaves containers running');
  const ticksWhileDown = (await fs.readFile(steadyLog, 'utf8')).split('\n').length;
  await restart(world, dirs);
  await eventually(
    'the log keeps growing after the restart',
    async () => (await fs.readFile(steadyLog, 'utf8')).split('\n').length > ticksWhileDown + 2,
  );

  const again = world.daemon.client;
  const steadyNow = (await again.runtime('ContainerStatus', { container_id: steady, verbose: false })).status!;
  assert.equal(steadyNow.state, 'CONTAINER_RUNNING');
  assert.equal(await pidOf(steady), steadyPid);
  const quitterNow = (await again.runtime('ContainerStatus', { container_id: quitter, verbose: false })).status!;
  assert.equal(quitterNow.state, 'CONTAINER_EXITED');
  assert.equal(quitterNow.exit_code, 7);
  assert.equal(quitterNow.reason, 'Error');
  assert.equal((await again.runtime('ListContainers', {})).containers.length, 2);
  assert.equal((await again.runtime('ListPodSandbox', {})).items.length, 1);
  assert.equal(
    (await again.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: false })).status!.state,
    'SANDBOX_READY',
  );
  // Exec and stop still work on the survivor after the restart.
  assert.equal(
    (
      await again.runtime('ExecSync', { container_id: steady, cmd: ['echo', 'still here'], timeout: 5 })
    ).stdout.toString(),
    'still here\n',
  );
  await again.runtime('StopContainer', { container_id: steady, timeout: 5 });
  assert.equal(
    (await again.runtime('ContainerStatus', { container_id: steady, verbose: false })).status!.state,
    'CONTAINER_EXITED',
  );
  await again.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  await untilGone(infraPid);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});

test('a kill -9 right after CreateContainer: each container then starts, or reads EXITED; removal leaves nothing', async () => {
  const client = world.daemon.client;
  const pod = podConfig('unstarted');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  // CreateContainer returns before the monitor and the waiting init are set up: the last ones
  // are likely cut off half-way by the kill.
  const ids: string[] = [];
  for (const name of ['one', 'two', 'three']) {
    const config = containerConfig(world.images.busybox, name, ['sleep', '3600']);
    ids.push(
      (await client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })).container_id,
    );
  }
  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  await restart(world, dirs);
  const again = world.daemon.client;
  for (const id of ids) {
    const status = (await again.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
    if (status.state === 'CONTAINER_CREATED') {
      await again.runtime('StartContainer', { container_id: id });
      const echoed = await again.runtime('ExecSync', { container_id: id, cmd: ['echo', 'up'], timeout: 5 });
      assert.equal(echoed.stdout.toString(), 'up\n');
    } else {
      assert.equal(status.state, 'CONTAINER_EXITED', `container ${id} is ${status.state}`);
      assert.equal(status.reason, 'Error');
    }
  }
  await again.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual((await again.runtime('ListContainers', {})).containers, []);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
  // The cgroups are made after the reply: whether the kill came before, during or after, none stays.
  for (const dir of await cgroupParentDirs(world.cgroupParent)) {
    const left = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.deepEqual(left, [], `cgroups left under ${dir}`);
  }
});
