// Pod and container lifecycle logic over fakes: states, guards, idempotence, cleanup, recovery.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from './errors';
import type { ContainerEvent } from './events/container_events';
import type { Lifecycle } from './lifecycle';
import {
  makeFakeWorld,
  openFakeLifecycle,
  sampleContainerConfig,
  samplePodConfig,
  type FakeWorld,
} from './testing/fake_lifecycle';

let world: FakeWorld;
let life: Lifecycle;

beforeEach(async () => {
  world = await makeFakeWorld();
  life = await openFakeLifecycle(world);
});

afterEach(async () => {
  life.close();
  await fs.rm(world.dir, { recursive: true, force: true });
});

async function runningContainer(pod?: string): Promise<{ podId: string; id: string }> {
  const podId = pod ?? (await life.sandboxes.run(samplePodConfig()));
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig());
  await life.containers.start(id);
  return { podId, id };
}

test('a pod runs with its infra, cgroups, shm, network and /etc files', async () => {
  const podId = await life.sandboxes.run(samplePodConfig('web'));
  const pod = life.sandboxes.status(podId);
  assert.equal(pod.status.state, 'ready');
  assert.deepEqual(pod.status.ips, [{ ip: '10.88.0.5' }]);
  assert.ok(world.cgroups.existing.has(`/corral-test/${podId}`));
  assert.ok(world.mounts.mounted.has(pod.meta.shmPath));
  assert.equal(await fs.readFile(path.join(pod.meta.sandboxDir, 'hostname'), 'utf8'), 'web\n');
  assert.match(await fs.readFile(path.join(pod.meta.sandboxDir, 'hosts'), 'utf8'), /10\.88\.0\.5\tweb/);
});

test('a duplicate pod or container name is refused, naming the holder', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  await assert.rejects(
    life.sandboxes.run(samplePodConfig()),
    (err: Error) => err instanceof AlreadyExistsError && err.message.includes(podId),
  );
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig());
  await assert.rejects(
    life.sandboxes.createContainer(podId, sampleContainerConfig()),
    (err: Error) => err instanceof AlreadyExistsError && err.message.includes(id),
  );
});

test('create → start → stop → remove moves through the states and cleans up', async () => {
  const events: ContainerEvent[] = [];
  life.events.subscribe((e) => events.push(e));
  const { podId, id } = await runningContainer();
  const record = await life.containers.status(id);
  assert.equal(record.status.state, 'running');
  assert.notEqual(record.status.startedAt, '0');
  assert.equal(record.meta.image.ref, 'docker.io/library/busybox@sha256:' + 'd'.repeat(64));
  assert.deepEqual(record.meta.spec.process.args, ['sleep', '1000']);
  await life.containers.stop(id, 10);
  const stopped = await life.containers.status(id);
  assert.equal(stopped.status.state, 'exited');
  assert.equal(stopped.status.exitCode, 143);
  assert.equal(stopped.status.reason, 'Error');
  await life.containers.stop(id, 10);
  await life.containers.remove(id);
  await life.containers.remove(id);
  assert.throws(() => life.containers.deps.store.resolve(id), NotFoundError);
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.ok(!world.cgroups.existing.has(`/corral-test/${podId}/${id}`));
  await assert.rejects(fs.stat(path.join(world.dir, 'state', 'c', id)));
  assert.deepEqual(
    events.map((e) => e.kind),
    ['created', 'started', 'stopped', 'deleted'],
  );
});

test('a stop signal that is ignored is followed by SIGKILL to the whole cgroup', async () => {
  world.processes.ignoredSignals.add('SIGTERM');
  const { id } = await runningContainer();
  await life.containers.stop(id, 1);
  const record = await life.containers.status(id);
  assert.equal(record.status.exitCode, 137);
  assert.ok(world.processes.calls.includes('signal SIGTERM'));
  assert.ok(world.cgroups.killed.includes(record.meta.cgroupPath));
});

test('an exit by itself is recorded with its code and reason', async () => {
  const { id } = await runningContainer();
  world.processes.exit(life.containers.deps.store.get(id)!.meta.bundleDir, 0);
  const record = await life.containers.status(id);
  assert.equal(record.status.state, 'exited');
  assert.equal(record.status.reason, 'Completed');
});

test('stop and remove of unknown IDs succeed; other verbs say NOT_FOUND', async () => {
  const unknown = 'f'.repeat(64);
  await life.containers.stop(unknown, 1);
  await life.containers.remove(unknown);
  await life.sandboxes.stop(unknown);
  await life.sandboxes.remove(unknown);
  await assert.rejects(life.containers.start(unknown), NotFoundError);
  await assert.rejects(life.containers.status(unknown), NotFoundError);
  assert.throws(() => life.sandboxes.status(unknown), NotFoundError);
  await assert.rejects(life.sandboxes.createContainer(unknown, sampleContainerConfig()), NotFoundError);
});

test('create in a stopped pod is a failed precondition; a missing image is NOT_FOUND and leaves nothing', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  await assert.rejects(
    life.sandboxes.createContainer(
      podId,
      sampleContainerConfig('x', {
        image: { image: 'nothere', annotations: {}, userSpecifiedImage: '', runtimeHandler: '' },
      }),
    ),
    NotFoundError,
  );
  assert.equal(life.containers.list().length, 0);
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.deepEqual([...world.cgroups.existing].sort(), [`/corral-test/${podId}`, `/corral-test/${podId}/infra`]);
  assert.deepEqual(await fs.readdir(path.join(world.dir, 'state', 'c')).catch(() => []), []);
  await life.sandboxes.createContainer(podId, sampleContainerConfig('y'));
  await life.sandboxes.stop(podId);
  await assert.rejects(life.sandboxes.createContainer(podId, sampleContainerConfig('z')), FailedPreconditionError);
});

test('a process setup that fails after create is the start error (StartError); remove leaves nothing', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  world.processes.failCreate = new Error('helper failed');
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig('y'));
  world.processes.failCreate = undefined;
  assert.equal((await life.containers.status(id)).status.state, 'created');
  await assert.rejects(life.containers.start(id), /helper failed/);
  const record = await life.containers.status(id);
  assert.equal(record.status.state, 'exited');
  assert.equal(record.status.reason, 'StartError');
  assert.match(record.status.message, /helper failed/);
  await life.containers.remove(id);
  assert.equal(life.containers.list().length, 0);
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.deepEqual([...world.cgroups.existing].sort(), [`/corral-test/${podId}`, `/corral-test/${podId}/infra`]);
  assert.deepEqual(await fs.readdir(path.join(world.dir, 'state', 'c')), []);
});

test('a cgroup limit refused after the reply is the start error; no monitor runs; remove leaves nothing', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  world.cgroups.failApply = new InvalidArgumentError('kernel rejected "9" for cpuset.cpus');
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig('y'));
  world.cgroups.failApply = undefined;
  assert.equal((await life.containers.status(id)).status.state, 'created');
  await assert.rejects(life.containers.start(id), /kernel rejected "9" for cpuset.cpus/);
  const record = await life.containers.status(id);
  assert.equal(record.status.state, 'exited');
  assert.equal(record.status.reason, 'StartError');
  assert.equal(record.status.exitCode, 128);
  assert.ok(!world.processes.calls.includes(`create ${id}`), 'no monitor without its cgroup');
  await life.containers.remove(id);
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.deepEqual([...world.cgroups.existing].sort(), [`/corral-test/${podId}`, `/corral-test/${podId}/infra`]);
  assert.deepEqual(await fs.readdir(path.join(world.dir, 'state', 'c')), []);
});

test('UpdateContainerResources right after create waits for the setup: its limits land after the initial ones', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  const applied: string[] = [];
  const open = world.cgroups.open.bind(world.cgroups);
  world.cgroups.open = (cgroupPath) => ({
    ...open(cgroupPath),
    apply: async (r) => {
      applied.push(String(r.memoryLimitBytes ?? 'none'));
    },
  });
  const create = world.cgroups.create.bind(world.cgroups);
  world.cgroups.create = async (cgroupPath) => {
    await new Promise((resolve) => setTimeout(resolve, 30)); // a slow setup, still going after the reply
    return create(cgroupPath);
  };
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig('u'));
  await life.containers.updateResources(id, { memoryLimitBytes: 64 << 20 });
  assert.deepEqual(applied, ['none', String(64 << 20)]);
  await life.containers.start(id);
});

test('a created container whose setup failed and is stopped or removed unstarted is a failed start', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  world.processes.failCreate = new Error('helper failed');
  const stopped = await life.sandboxes.createContainer(podId, sampleContainerConfig('s'));
  const removed = await life.sandboxes.createContainer(podId, sampleContainerConfig('r'));
  world.processes.failCreate = undefined;
  await life.containers.stop(stopped, 10);
  assert.equal((await life.containers.status(stopped)).status.reason, 'StartError');
  await life.containers.remove(removed);
  await assert.rejects(life.containers.status(removed), NotFoundError);
  await life.sandboxes.remove(podId);
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.equal(world.cgroups.existing.size, 0);
});

test('a failed start is recorded as exited with StartError', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig());
  world.processes.failStart = new Error('exec format error');
  await assert.rejects(life.containers.start(id), /exec format error/);
  const record = await life.containers.status(id);
  assert.equal(record.status.state, 'exited');
  assert.equal(record.status.reason, 'StartError');
  assert.match(record.status.message, /exec format error/);
  await assert.rejects(life.containers.start(id), FailedPreconditionError);
});

test('a failed pod run leaves nothing behind and frees the name', async () => {
  world.infra.failStart = new Error('no namespaces today');
  await assert.rejects(life.sandboxes.run(samplePodConfig()), /no namespaces today/);
  assert.equal(world.cgroups.existing.size, 0);
  assert.equal(world.mounts.mounted.size, 0);
  assert.deepEqual(await fs.readdir(path.join(world.dir, 'state', 'sandboxes')), []);
  world.infra.failStart = undefined;
  await life.sandboxes.run(samplePodConfig());
});

test('stopping a pod stops its containers and infra; removing it removes everything', async () => {
  const { podId, id } = await runningContainer();
  const created = await life.sandboxes.createContainer(podId, sampleContainerConfig('second'));
  await life.sandboxes.stop(podId);
  assert.equal(life.sandboxes.status(podId).status.state, 'notready');
  assert.equal((await life.containers.status(id)).status.state, 'exited');
  assert.equal((await life.containers.status(created)).status.state, 'exited');
  assert.equal(world.infra.running.size, 0);
  assert.equal(world.network.active.size, 0);
  await life.sandboxes.stop(podId);
  await life.sandboxes.remove(podId);
  await life.sandboxes.remove(podId);
  assert.equal(life.containers.list().length, 0);
  assert.equal(life.sandboxes.list().length, 0);
  assert.equal(world.cgroups.existing.size, 0);
  assert.equal(world.mounts.mounted.size, 0);
  assert.equal(world.snapshots.snapshots.size, 0);
});

test('removing a ready pod with a running container forces everything down', async () => {
  const { podId } = await runningContainer();
  await life.sandboxes.remove(podId);
  assert.equal(life.containers.list().length, 0);
  assert.equal(world.infra.running.size, 0);
});

test('list filters by id prefix, pod, state and labels', async () => {
  const { podId, id } = await runningContainer();
  const other = await life.sandboxes.run(samplePodConfig('db'));
  await life.sandboxes.createContainer(other, sampleContainerConfig('db', { labels: { tier: 'back' } }));
  assert.equal(life.containers.list().length, 2);
  assert.deepEqual(
    life.containers.list({ podId: podId.slice(0, 6) }).map((c) => c.id),
    [id],
  );
  assert.deepEqual(
    life.containers.list({ state: 'running' }).map((c) => c.id),
    [id],
  );
  assert.equal(life.containers.list({ labels: { tier: 'back' } }).length, 1);
  assert.equal(life.containers.list({ id: id.slice(0, 8) }).length, 1);
  assert.deepEqual(
    life.sandboxes.list({ labels: { app: 'db' } }).map((p) => p.id),
    [other],
  );
});

test('restart: live containers stay running, exits meanwhile are recorded, lost monitors are exited', async () => {
  const { podId, id: live } = await runningContainer();
  const exited = await life.sandboxes.createContainer(podId, sampleContainerConfig('exits'));
  await life.containers.start(exited);
  const lost = await life.sandboxes.createContainer(podId, sampleContainerConfig('lost'));
  const store = life.containers.deps.store;
  life.close();
  // While corrald is down: one container exits with 3, the other's monitor vanishes.
  world.processes.exit(store.get(exited)!.meta.bundleDir, 3);
  world.processes.containers.get(store.get(lost)!.meta.bundleDir)!.monitorAlive = false;
  life = await openFakeLifecycle(world);
  assert.equal((await life.containers.status(live)).status.state, 'running');
  const exitedNow = await life.containers.status(exited);
  assert.deepEqual(
    [exitedNow.status.state, exitedNow.status.exitCode, exitedNow.status.reason],
    ['exited', 3, 'Error'],
  );
  const lostNow = await life.containers.status(lost);
  assert.deepEqual([lostNow.status.state, lostNow.status.exitCode], ['exited', 255]);
  assert.deepEqual(life.recovered.containers.live, [live]);
  // The watcher restarted for the live one records its later exit.
  const stopped = new Promise<ContainerEvent>((resolve) =>
    life.events.subscribe((e) => {
      if (e.kind === 'stopped') resolve(e);
    }),
  );
  world.processes.exit(store.get(live)!.meta.bundleDir, 0);
  assert.equal((await stopped).containerId, live);
  assert.equal(life.containers.deps.store.get(live)!.status.state, 'exited');
});

test('restart: a pod whose infra died is NOTREADY', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  world.deadInfra.add(life.sandboxes.status(podId).status.infra!.pid);
  life.close();
  life = await openFakeLifecycle(world);
  assert.equal(life.sandboxes.status(podId).status.state, 'notready');
  assert.deepEqual(life.recovered.sandboxesLost, [podId]);
});

test("exec runs the command with the container's process settings", async () => {
  const { id } = await runningContainer();
  const result = await life.containers.execSync(id, ['echo', 'hi'], 5);
  assert.equal(result.stdout.toString(), 'out');
  assert.deepEqual(world.processes.lastExec!.args, ['echo', 'hi']);
  await life.containers.stop(id, 0);
  await assert.rejects(life.containers.execSync(id, ['true'], 1), FailedPreconditionError);
});

test('restart: what a crash left half-made (a directory without a record) is swept away', async () => {
  const podId = await life.sandboxes.run(samplePodConfig());
  const id = await life.sandboxes.createContainer(podId, sampleContainerConfig());
  const containerDir = life.containers.deps.store.get(id)!.meta.containerDir;
  const sandboxDir = life.sandboxes.status(podId).meta.sandboxDir;
  life.close();
  // As if corrald died before storing either record.
  await fs.rm(path.join(world.dir, 'root', 'containers', id, 'meta.json'));
  await fs.rm(path.join(world.dir, 'root', 'sandboxes', podId, 'meta.json'));
  life = await openFakeLifecycle(world);
  assert.deepEqual(life.recovered.orphansRemoved.sort(), [id, podId].sort());
  assert.equal(world.snapshots.snapshots.size, 0);
  assert.equal(world.processes.containers.size, 0);
  assert.equal(world.infra.running.size, 0);
  await assert.rejects(fs.stat(containerDir));
  await assert.rejects(fs.stat(sandboxDir));
});
