// A container's rootfs is unmounted, and its cgroup removed, once its exit is recorded (as
// containerd does when a task exits), not at its removal; its status and log stay, and removal
// after a stop, after a kill -9 of corrald between the two, or of a container never started still
// leaves no mount or cgroup. What the container wrote goes after RemoveContainer's reply; a kill -9
// before it is gone leaves nothing once corrald is back.
import assert from 'node:assert/strict';
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  cgroupParentDirs,
  cgroupsNamed,
  containerConfig,
  eventually,
  mountsUnder,
  podConfig,
  restart,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from './fixture';

let world: LifecycleWorld;
/** Pods a failed test may have left: removed after each test, so a failure leaves no mount behind. */
const pods: string[] = [];

before(async () => {
  world = await startWorld('rootfs-release');
});
afterEach(async () => {
  for (const podId of pods.splice(0)) await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
});
after(async () => {
  await stopWorld(world);
});

/** The container's mounts on the host: its rootfs (and image volumes) live under its directory. */
const mountsOf = (id: string): string[] => mountsUnder(world.daemon.dirs.base).filter((m) => m.includes(id));

const cgroupsOf = (id: string): Promise<string[]> => cgroupsNamed(world.cgroupParent, id);

async function runPod(name: string, logDir?: string): Promise<{ podId: string; pod: Record<string, unknown> }> {
  const pod = podConfig(name, logDir ? { log_directory: logDir } : {});
  const { pod_sandbox_id: podId } = await world.daemon.client.runtime('RunPodSandbox', {
    config: pod,
    runtime_handler: '',
  });
  pods.push(podId);
  return { podId, pod };
}

async function create(podId: string, pod: Record<string, unknown>, name: string, command: string[]): Promise<string> {
  const config = containerConfig(world.images.busybox, name, command);
  const created = await world.daemon.client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  return created.container_id;
}

async function assertNothingLeft(): Promise<void> {
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
  for (const dir of await cgroupParentDirs(world.cgroupParent)) {
    const left = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.deepEqual(left, [], `cgroups left under ${dir}`);
  }
}

test('StopContainer unmounts the rootfs and removes the cgroup; status and log stay; the pod removal leaves nothing', async () => {
  const client = world.daemon.client;
  const logDir = path.join(world.daemon.dirs.base, 'release-logs');
  const { podId, pod } = await runPod('stopped', logDir);
  const id = await create(podId, pod, 'talker', ['sh', '-c', 'echo said; exec sleep 3600']);
  await client.runtime('StartContainer', { container_id: id });
  assert.ok(mountsOf(id).length > 0, 'a running container has its rootfs mounted');
  assert.ok((await cgroupsOf(id)).length > 0, 'a running container has its cgroup');
  await eventually('the container wrote its line', async () =>
    (await fs.readFile(path.join(logDir, 'talker.log'), 'utf8').catch(() => '')).includes('said'),
  );
  await client.runtime('StopContainer', { container_id: id, timeout: 0 });
  await eventually('the rootfs is unmounted after the stop', async () => mountsOf(id).length === 0);
  await eventually('the cgroup is removed after the stop', async () => (await cgroupsOf(id)).length === 0);
  const status = (await client.runtime('ContainerStatus', { container_id: id, verbose: true })).status!;
  assert.equal(status.state, 'CONTAINER_EXITED');
  assert.equal(status.exit_code, 137);
  assert.match(await fs.readFile(path.join(logDir, 'talker.log'), 'utf8'), /said/);
  await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual((await client.runtime('ListContainers', {})).containers, []);
  await assertNothingLeft();
});

test('a container that exits by itself is unmounted and its cgroup removed once its exit is recorded', async () => {
  const client = world.daemon.client;
  const { podId, pod } = await runPod('quitter');
  const id = await create(podId, pod, 'quitter', ['sh', '-c', 'exit 3']);
  await client.runtime('StartContainer', { container_id: id });
  await eventually('the rootfs is unmounted after the exit', async () => mountsOf(id).length === 0);
  await eventually('the cgroup is removed after the exit', async () => (await cgroupsOf(id)).length === 0);
  const status = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
  assert.equal(status.state, 'CONTAINER_EXITED');
  assert.equal(status.exit_code, 3);
  await client.runtime('RemoveContainer', { container_id: id });
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  await assertNothingLeft();
});

test('a kill -9 of corrald between StopContainer and removal: the removal after the restart leaves nothing', async () => {
  const { podId, pod } = await runPod('crash-between');
  const stopped = await create(podId, pod, 'stopped', ['sleep', '3600']);
  const running = await create(podId, pod, 'running', ['sleep', '3600']);
  for (const id of [stopped, running]) await world.daemon.client.runtime('StartContainer', { container_id: id });
  // The unmount after the stop is not awaited by its reply: the kill may come before, during or after it.
  await world.daemon.client.runtime('StopContainer', { container_id: stopped, timeout: 0 });
  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  await restart(world, dirs);
  const again = world.daemon.client;
  assert.equal(
    (await again.runtime('ContainerStatus', { container_id: stopped, verbose: false })).status!.exit_code,
    137,
  );
  assert.ok(mountsOf(running).length > 0, 'the running one keeps its rootfs');
  await again.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual((await again.runtime('ListContainers', {})).containers, []);
  await assertNothingLeft();
});

test("a kill -9 of corrald after RemoveContainer's reply, while the container's files still go: nothing is left after the restart", async () => {
  const files = 20_000; // enough for their removal to outlast the kill
  const { podId, pod } = await runPod('crash-after-remove');
  const script = `mkdir /many && cd /many && seq ${files} | xargs touch && touch /made && exec sleep 3600`;
  const id = await create(podId, pod, 'writer', ['sh', '-c', script]);
  const client = world.daemon.client;
  await client.runtime('StartContainer', { container_id: id });
  await eventually(
    'the container made its files',
    async () =>
      (await client.runtime('ExecSync', { container_id: id, cmd: ['test', '-e', '/made'], timeout: 10 })).exit_code ===
      0,
  );
  await client.runtime('StopContainer', { container_id: id, timeout: 0 });
  const snapshots = path.join(world.daemon.dirs.root, 'snapshots');
  const stateTrash = path.join(world.daemon.dirs.state, 'trash');
  const trash = (): string[] => [
    ...readdirSync(snapshots).filter((name) => name.startsWith('.trash-')),
    ...readdirSync(stateTrash),
  ];
  await client.runtime('RemoveContainer', { container_id: id });
  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  assert.ok(trash().length > 0, "the container's files were still going when corrald was killed");
  assert.ok(!readdirSync(snapshots).includes(id), "the snapshot's own place is free");
  assert.ok(!readdirSync(path.join(dirs.state, 'c')).includes(id), "the container's directory is out of its place");
  await restart(world, dirs);
  const again = world.daemon.client;
  assert.ok(!(await again.runtime('ListContainers', {})).containers.some((c) => c.id === id));
  while (trash().length > 0) await new Promise((resolve) => setTimeout(resolve, 20)); // the test's deadline applies
  await again.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  await assertNothingLeft();
});

test('RemoveContainer of a container never started unmounts its rootfs', async () => {
  const client = world.daemon.client;
  const { podId, pod } = await runPod('unstarted');
  const id = await create(podId, pod, 'idle', ['sleep', '3600']);
  await eventually('the rootfs is mounted', async () => mountsOf(id).length > 0);
  await client.runtime('RemoveContainer', { container_id: id });
  assert.deepEqual(mountsOf(id), []);
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  await assertNothingLeft();
});

test("StopContainer of a container in its pod's pid namespace that exits on SIGTERM: the stop's kill pass and the exit's release do not race", async () => {
  const client = world.daemon.client;
  const { podId, pod } = await runPod('shared-pid');
  for (let i = 0; i < 5; i++) {
    const config = containerConfig(
      world.images.busybox,
      `graceful-${i}`,
      ['sh', '-c', 'trap "exit 0" TERM; touch /trap-set; sleep 3600 & wait'],
      {
        linux: { security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } },
      },
    );
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    // A SIGTERM before the shell has set its trap would end it with 143, not by the trap.
    await eventually('the trap to be set', async () => {
      const probe = await client.runtime('ExecSync', {
        container_id: id,
        cmd: ['test', '-e', '/trap-set'],
        timeout: 5,
      });
      return probe.exit_code === 0;
    });
    // The exit watcher records the exit (and starts the release) while the stop still runs.
    await client.runtime('StopContainer', { container_id: id, timeout: 10 });
    assert.equal((await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!.exit_code, 0);
  }
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  await assertNothingLeft();
});
