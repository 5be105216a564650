// The crictl flow over the real socket: runp, create, start, exec, logs, ps, inspect, stop, rm,
// stopp, rmp on the busybox test image, and what a user sees inside the container.
import assert from 'node:assert/strict';
import { promises as fs, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  containerConfig, exists, isAlive, mountsUnder, podCgroupDirs, podConfig, startWorld, stopWorld, untilGone,
  type LifecycleWorld,
} from './fixture';

let world: LifecycleWorld;

before(async () => { world = await startWorld('flow'); });
after(async () => { await stopWorld(world); });

async function exec(id: string, cmd: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd, timeout: 10 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.exit_code };
}

test('runp, create, start, exec, logs, ps, inspect, stop, rm, stopp, rmp', async () => {
  const client = world.daemon.client;
  const logDir = path.join(world.daemon.dirs.base, 'logs');
  const pod = podConfig('flow', { log_directory: logDir });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const podStatus = await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: true });
  assert.equal(podStatus.status!.state, 'SANDBOX_READY');
  const infraPid = JSON.parse(podStatus.info.info!).pid as number;
  const podCgroups = podCgroupDirs(world, infraPid);
  assert.ok(podCgroups.length > 0, 'the infra is in the pod\'s cgroups');

  const config = containerConfig(world.images.busybox, 'app', ['sh', '-c', 'echo hello from $HOSTNAME; echo oops >&2; exec sleep 1000'],
    { envs: [{ key: 'GREETING', value: Buffer.from('hi') }] });
  const { container_id: id } = await client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
  assert.equal((await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!.state, 'CONTAINER_CREATED');
  await client.runtime('StartContainer', { container_id: id });

  const status = await client.runtime('ContainerStatus', { container_id: id, verbose: true });
  assert.equal(status.status!.state, 'CONTAINER_RUNNING');
  assert.notEqual(status.status!.started_at, '0');
  assert.equal(status.status!.log_path, path.join(logDir, 'app.log'));
  assert.equal(status.status!.image!.image, world.images.busybox);
  assert.match(status.status!.image_id, /^sha256:/);
  const pid = JSON.parse(status.info.info!).pid as number;
  assert.ok(isAlive(pid));

  // pid 1 is the command, the hostname is the pod's, env reaches the process.
  assert.equal((await exec(id, ['cat', '/proc/1/cmdline'])).out.split('\0')[0], 'sleep');
  assert.equal((await exec(id, ['hostname'])).out.trim(), 'flow-host');
  assert.equal((await exec(id, ['sh', '-c', 'echo $GREETING'])).out.trim(), 'hi');
  const failing = await exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual(failing, { out: 'out\n', err: 'err\n', code: 3 });
  assert.equal((await exec(id, ['cat', '/etc/hostname'])).out.trim(), 'flow-host');

  const listed = await client.runtime('ListContainers', { filter: { state: { state: 'CONTAINER_RUNNING' }, pod_sandbox_id: podId } });
  assert.deepEqual(listed.containers.map((c) => c.id), [id]);
  const pods = await client.runtime('ListPodSandbox', { filter: { label_selector: { pod: 'flow' } } });
  assert.deepEqual(pods.items.map((p) => p.id), [podId]);

  const log = await fs.readFile(path.join(logDir, 'app.log'), 'utf8');
  assert.match(log, /^\S+ stdout F hello from flow-host$/m);
  assert.match(log, /^\S+ stderr F oops$/m);

  // sleep as pid 1 ignores SIGTERM: the stop escalates to SIGKILL after the timeout.
  await client.runtime('StopContainer', { container_id: id, timeout: 1 });
  const stopped = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
  assert.equal(stopped.state, 'CONTAINER_EXITED');
  assert.equal(stopped.exit_code, 137);
  assert.equal(stopped.reason, 'Error');
  assert.ok(!isAlive(pid));
  await client.runtime('StopContainer', { container_id: id, timeout: 1 });
  await client.runtime('RemoveContainer', { container_id: id });
  assert.equal((await client.runtime('ListContainers', {})).containers.length, 0);
  assert.ok(await exists(path.join(logDir, 'app.log')), 'logs stay');

  await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
  assert.equal((await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: false })).status!.state, 'SANDBOX_NOTREADY');
  await untilGone(infraPid);
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.equal((await client.runtime('ListPodSandbox', {})).items.length, 0);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
  for (const dir of podCgroups) assert.ok(!(await exists(dir)), `${dir} removed`);
});

test('namespaces differ from the host\'s and are shared within the pod as asked', async () => {
  const client = world.daemon.client;
  const pod = podConfig('ns', { linux: { security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } } });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const run = async (name: string, pidMode: string) => {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], {
      linux: { security_context: { namespace_options: { network: 'POD', pid: pidMode, ipc: 'POD' } } },
    });
    const { container_id: id } = await client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
    await client.runtime('StartContainer', { container_id: id });
    return id;
  };
  const a = await run('a', 'POD');
  const b = await run('b', 'POD');
  const c = await run('c', 'CONTAINER');
  const ns = async (id: string, kind: string) => (await exec(id, ['readlink', `/proc/self/ns/${kind}`])).out.trim();
  for (const kind of ['net', 'ipc', 'uts', 'mnt', 'pid']) {
    assert.notEqual(await ns(a, kind), readlinkSync(`/proc/self/ns/${kind}`), `${kind} differs from the host's`);
  }
  for (const kind of ['net', 'ipc', 'uts', 'pid']) assert.equal(await ns(a, kind), await ns(b, kind), `${kind} shared in the pod`);
  assert.notEqual(await ns(a, 'mnt'), await ns(b, 'mnt'), 'each container has its own mount namespace');
  assert.notEqual(await ns(a, 'pid'), await ns(c, 'pid'), 'pid CONTAINER gets its own');
  assert.equal(await ns(a, 'net'), await ns(c, 'net'));
  // In the pod's pid namespace a container sees its sibling's processes.
  assert.match((await exec(a, ['ps'])).out, /sleep 1000[\s\S]*sleep 1000/);
  assert.equal((await exec(a, ['ip', 'link', 'show', 'lo'])).out.includes('UP'), true, 'loopback is up');
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.equal((await client.runtime('ListContainers', {})).containers.length, 0);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});
