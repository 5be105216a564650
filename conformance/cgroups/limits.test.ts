// cgroup limits end to end over the real socket, on this host and (cgroups_v2_vm.test.ts) inside
// the pure-v2 guest: a memory limit lands in the container's cgroup, crictl-style update changes it
// live, bad values are refused naming the field, a CPU quota throttles, a memory hog ends
// OOMKilled with 137, stats move, and corralctl stats shows them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { pollUntil } from '../../runtime/cgroups/fs_util';
import {
  cgroupFile,
  containerConfig,
  grpcCode,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';

const MiB = 1024 * 1024;
const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
let world: LifecycleWorld;
let podId: string;

before(async () => {
  world = await startWorld('cgroups');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: podConfig('limits'), runtime_handler: '' }))
    .pod_sandbox_id;
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

function resources(r: Record<string, string>) {
  return { linux: { resources: r } };
}

async function run(
  name: string,
  command: string[],
  limits: Record<string, string>,
): Promise<{ id: string; pid: number }> {
  const client = world.daemon.client;
  const config = containerConfig(world.images.busybox, name, command, resources(limits));
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: podConfig('limits'),
  });
  await client.runtime('StartContainer', { container_id: id });
  const status = await client.runtime('ContainerStatus', { container_id: id, verbose: true });
  return { id, pid: (JSON.parse(status.info.info) as { pid: number }).pid };
}

const memoryFile = () =>
  readFileSync('/proc/self/cgroup', 'utf8').includes(':memory:') ? 'memory.limit_in_bytes' : 'memory.max';

test('a memory limit is in the cgroup and the status; update changes it live; bad values change nothing', async () => {
  const client = world.daemon.client;
  const { id, pid } = await run('limited', ['sleep', '1000'], { memory_limit_in_bytes: String(64 * MiB) });
  assert.equal(cgroupFile(pid, memoryFile()), String(64 * MiB));
  let status = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
  assert.equal(status.resources!.linux!.memory_limit_in_bytes, String(64 * MiB));

  await client.runtime('UpdateContainerResources', {
    container_id: id,
    linux: { memory_limit_in_bytes: String(96 * MiB) },
  });
  assert.equal(cgroupFile(pid, memoryFile()), String(96 * MiB));
  status = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
  assert.equal(status.resources!.linux!.memory_limit_in_bytes, String(96 * MiB));

  for (const bad of [{ cpu_quota: '500' }, { memory_limit_in_bytes: '4096' }, { cpuset_cpus: '4095' }]) {
    assert.equal(
      await grpcCode(
        client.runtime('UpdateContainerResources', {
          container_id: id,
          linux: { memory_limit_in_bytes: String(80 * MiB), ...bad },
        }),
      ),
      'INVALID_ARGUMENT',
    );
    assert.equal(cgroupFile(pid, memoryFile()), String(96 * MiB), `unchanged after ${JSON.stringify(bad)}`);
  }
  await client.runtime('RemoveContainer', { container_id: id });
});

test('a CPU quota throttles a busy loop (cpu.stat nr_throttled)', async () => {
  const { id, pid } = await run('busy', ['sh', '-c', 'while :; do :; done'], {
    cpu_period: '10000',
    cpu_quota: '1000',
  });
  const throttled = () => Number(/nr_throttled (\d+)/.exec(cgroupFile(pid, 'cpu.stat'))![1]);
  assert.ok(await pollUntil(async () => throttled() > 0, 30_000), 'never throttled');
  await world.daemon.client.runtime('RemoveContainer', { container_id: id });
});

test('a memory hog ends OOMKilled with exit code 137', async () => {
  const client = world.daemon.client;
  const { id } = await run('hog', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], {
    memory_limit_in_bytes: String(16 * MiB),
    memory_swap_limit_in_bytes: String(16 * MiB),
  });
  let status = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
  assert.ok(
    await pollUntil(async () => {
      status = (await client.runtime('ContainerStatus', { container_id: id, verbose: false })).status!;
      return status.state === 'CONTAINER_EXITED';
    }, 30_000),
  );
  assert.equal(status.reason, 'OOMKilled');
  assert.equal(status.exit_code, 137);
  await client.runtime('RemoveContainer', { container_id: id });
});

test('stats move; corralctl stats shows containers and pods', async () => {
  const client = world.daemon.client;
  const { id } = await run('worker', ['sh', '-c', 'while :; do :; done'], { memory_limit_in_bytes: String(128 * MiB) });
  const first = (await client.runtime('ContainerStats', { container_id: id })).stats!;
  let later = first;
  assert.ok(
    await pollUntil(async () => {
      later = (await client.runtime('ContainerStats', { container_id: id })).stats!;
      return BigInt(later.cpu!.usage_core_nano_seconds!.value) > BigInt(first.cpu!.usage_core_nano_seconds!.value);
    }, 30_000),
  );
  assert.ok(Number(later.cpu!.usage_nano_cores!.value) > 0);
  assert.ok(Number(later.memory!.working_set_bytes!.value) > 0);
  assert.ok(later.writable_layer, 'writable layer usage');
  const listed = await client.runtime('ListContainerStats', {
    filter: { pod_sandbox_id: podId, label_selector: { container: 'worker' } },
  });
  assert.deepEqual(
    listed.stats.map((s) => s.attributes!.id),
    [id],
  );
  const pod = (await client.runtime('PodSandboxStats', { pod_sandbox_id: podId })).stats!;
  assert.ok(Number(pod.linux!.process!.process_count!.value) >= 2, 'infra and worker');
  assert.ok(pod.linux!.network, 'network counters from the pod netns');
  assert.equal((await client.runtime('ListPodSandboxStats', { filter: { id: podId } })).stats.length, 1);

  const endpoint = `unix://${world.daemon.dirs.socket}`;
  const table = (await promisify(execFile)(process.execPath, [CORRALCTL, '--endpoint', endpoint, 'stats', '-s', '0.2']))
    .stdout;
  assert.match(table, /^CONTAINER\s+NAME\s+CPU %\s+MEM/m);
  assert.match(table, new RegExp(`^${id.slice(0, 13)}\\s+worker\\s+\\d+\\.\\d+\\s+\\S+B`, 'm'));
  const json = JSON.parse(
    (
      await promisify(execFile)(process.execPath, [
        CORRALCTL,
        '--endpoint',
        endpoint,
        'stats',
        '--pods',
        '-o',
        'json',
        '-s',
        '0.2',
      ])
    ).stdout,
  ) as { stats: { attributes: { id: string } }[] };
  assert.equal(json.stats[0].attributes.id, podId);
  await client.runtime('RemoveContainer', { container_id: id });
});
