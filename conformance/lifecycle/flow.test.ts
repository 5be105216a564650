// The crictl flow over the real socket: runp, create, start, exec, logs, ps, inspect, stop, rm,
// stopp, rmp on the busybox test image, and what a user sees inside the container.
import type { NamespaceMode } from '../../proto/generated/runtime/v1/NamespaceMode';
import assert from 'node:assert/strict';
import { promises as fs, readlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  eventually,
  exists,
  grpcCode,
  isAlive,
  mountsUnder,
  podCgroupDirs,
  podConfig,
  startWorld,
  stopWorld,
  untilGone,
  type LifecycleWorld,
} from './fixture';

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('flow');
});
after(async () => {
  await stopWorld(world);
});

async function exec(id: string, cmd: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd, timeout: 10 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.exit_code };
}

test('runp, create, start, exec, logs, ps, inspect, stop, rm, stopp, rmp', async () => {
  const client = world.daemon.client;
  const events: string[] = [];
  const stream = client.runtimeStream('GetContainerEvents', {});
  stream.on('data', (event: { container_event_type: string }) => events.push(event.container_event_type));
  stream.on('error', () => undefined); // cancelled at the end
  await new Promise((resolve) => stream.once('metadata', resolve)); // subscribed
  const logDir = path.join(world.daemon.dirs.base, 'logs');
  const pod = podConfig('flow', { log_directory: logDir });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const podStatus = await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: true });
  assert.equal(podStatus.status!.state, 'SANDBOX_READY');
  const infraPid = (JSON.parse(podStatus.info.info) as { pid: number }).pid;
  const podCgroups = podCgroupDirs(world, infraPid);
  assert.ok(podCgroups.length > 0, "the infra is in the pod's cgroups");

  const config = containerConfig(
    world.images.busybox,
    'app',
    ['sh', '-c', 'echo hello from $HOSTNAME; echo oops >&2; exec sleep 1000'],
    { envs: [{ key: 'GREETING', value: Buffer.from('hi') }] },
  );
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  assert.equal(
    (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!.state,
    'CONTAINER_CREATED',
  );
  await client.runtime('StartContainer', { container_id: id });

  const status = await client.runtime('ContainerStatus', { container_id: id, verbose: true });
  assert.equal(status.status!.state, 'CONTAINER_RUNNING');
  assert.notEqual(status.status!.started_at, '0');
  assert.equal(status.status!.log_path, path.join(logDir, 'app.log'));
  assert.equal(status.status!.image!.image, world.images.busybox);
  assert.match(status.status!.image_id, /^sha256:/);
  const pid = (JSON.parse(status.info.info) as { pid: number }).pid;
  assert.ok(isAlive(pid));

  // pid 1 is the command, the hostname is the pod's, env reaches the process.
  assert.equal((await exec(id, ['cat', '/proc/1/cmdline'])).out.split('\0')[0], 'sleep');
  assert.equal((await exec(id, ['hostname'])).out.trim(), 'flow-host');
  assert.equal((await exec(id, ['sh', '-c', 'echo $GREETING'])).out.trim(), 'hi');
  const failing = await exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual(failing, { out: 'out\n', err: 'err\n', code: 3 });
  assert.equal((await exec(id, ['cat', '/etc/hostname'])).out.trim(), 'flow-host');

  const listed = await client.runtime('ListContainers', {
    filter: { state: { state: 'CONTAINER_RUNNING' }, pod_sandbox_id: podId },
  });
  assert.deepEqual(
    listed.containers.map((c) => c.id),
    [id],
  );
  const pods = await client.runtime('ListPodSandbox', { filter: { label_selector: { pod: 'flow' } } });
  assert.deepEqual(
    pods.items.map((p) => p.id),
    [podId],
  );

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

  stream.cancel();
  assert.deepEqual(events, [
    'CONTAINER_CREATED_EVENT',
    'CONTAINER_STARTED_EVENT',
    'CONTAINER_STOPPED_EVENT',
    'CONTAINER_DELETED_EVENT',
  ]);

  await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
  assert.equal(
    (await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: false })).status!.state,
    'SANDBOX_NOTREADY',
  );
  await untilGone(infraPid);
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.equal((await client.runtime('ListPodSandbox', {})).items.length, 0);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
  for (const dir of podCgroups) assert.ok(!(await exists(dir)), `${dir} removed`);
});

test("namespaces differ from the host's and are shared within the pod as asked", async () => {
  const client = world.daemon.client;
  const pod = podConfig('ns', {
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } },
  });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const run = async (name: string, pidMode: NamespaceMode) => {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], {
      linux: { security_context: { namespace_options: { network: 'POD', pid: pidMode, ipc: 'POD' } } },
    });
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
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
  for (const kind of ['net', 'ipc', 'uts', 'pid'])
    assert.equal(await ns(a, kind), await ns(b, kind), `${kind} shared in the pod`);
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

test('the security context reaches the process and its execs: user, groups, caps, seccomp, no_new_privs', async () => {
  const client = world.daemon.client;
  const pod = podConfig('sec');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const config = containerConfig(world.images.busybox, 'locked', ['sleep', '1000'], {
    linux: {
      security_context: {
        run_as_user: { value: 1000 },
        supplemental_groups: [4242],
        no_new_privs: true,
        capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['NET_BIND_SERVICE'] },
        seccomp: { profile_type: 'RuntimeDefault' },
      },
    },
  });
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  const status = (await exec(id, ['cat', '/proc/1/status'])).out;
  assert.match(status, /^Uid:\s+1000\s/m);
  assert.match(status, /^Groups:.*\b4242\b/m);
  assert.match(status, /^Seccomp:\s+2$/m, 'the init runs under the RuntimeDefault filter');
  assert.match(status, /^NoNewPrivs:\s+1$/m);
  assert.match(status, /^CapBnd:\s+0000000000000400$/m, 'only CAP_NET_BIND_SERVICE is left');
  assert.match((await exec(id, ['cat', '/proc/self/status'])).out, /^Seccomp:\s+2$/m, 'execs get the filter too');
  assert.match((await exec(id, ['id'])).out, /uid=1000/);
  const info = JSON.parse((await client.runtime('ContainerStatus', { container_id: id, verbose: true })).info.info) as {
    security: { seccomp: string };
  };
  assert.equal(info.security.seccomp, 'runtime-default');
  const privileged = containerConfig(world.images.busybox, 'root', ['true'], {
    linux: { security_context: { privileged: true } },
  });
  await assert.rejects(
    client.runtime('CreateContainer', { pod_sandbox_id: podId, config: privileged, sandbox_config: pod }),
    /INVALID_ARGUMENT.*privileged pod/,
  );
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});

test('ReopenContainerLog: after kubelet rotates the log, output goes to a new file', async () => {
  const client = world.daemon.client;
  const logDir = path.join(world.daemon.dirs.base, 'rotate');
  const pod = podConfig('rotate', { log_directory: logDir });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const config = containerConfig(world.images.busybox, 'ticker', [
    'sh',
    '-c',
    'while true; do echo tick; sleep 0.05; done',
  ]);
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  const log = path.join(logDir, 'ticker.log');
  await eventually('the first tick is logged', async () =>
    (await fs.readFile(log, 'utf8').catch(() => '')).includes('tick'),
  );
  await fs.rename(log, `${log}.1`);
  await client.runtime('ReopenContainerLog', { container_id: id });
  await eventually('ticks reach the new file', async () =>
    /stdout F tick/.test(await fs.readFile(log, 'utf8').catch(() => '')),
  );
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.equal(await grpcCode(client.runtime('ReopenContainerLog', { container_id: id })), 'NOT_FOUND');
});

test("a host-network pod uses the host's network and UTS namespaces, hostname and resolv.conf", async () => {
  const client = world.daemon.client;
  const pod = podConfig('hostnet', {
    linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const config = containerConfig(world.images.busybox, 'h', ['sleep', '1000'], {
    linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  });
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  const ns = async (kind: string) => (await exec(id, ['readlink', `/proc/self/ns/${kind}`])).out.trim();
  assert.equal(await ns('net'), readlinkSync('/proc/self/ns/net'));
  assert.equal(await ns('uts'), readlinkSync('/proc/self/ns/uts'));
  assert.notEqual(await ns('ipc'), readlinkSync('/proc/self/ns/ipc'));
  assert.equal((await exec(id, ['hostname'])).out.trim(), os.hostname());
  assert.equal((await exec(id, ['cat', '/etc/resolv.conf'])).out, await fs.readFile('/etc/resolv.conf', 'utf8'));
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});
