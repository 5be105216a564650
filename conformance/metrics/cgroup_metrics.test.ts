// Container metrics from the cgroup drivers through a real corrald, on this host and (through
// cgroups_v2_vm.test.ts) in the pure-v2 guest: ListMetricDescriptors announces cAdvisor's container
// metrics; CPU time rises under a busy loop and the working set grows when a container fills
// memory; limits and process counts describe the container.
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  eventually,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';
import { PodMetricsReader } from './pod_metrics_reader';

const MiB = 1024 * 1024;
let world: LifecycleWorld;
let pod: { id: string; config: PodSandboxConfig };
let reader: PodMetricsReader;

const REQUIRED = [
  'container_cpu_usage_seconds_total',
  'container_cpu_user_seconds_total',
  'container_cpu_system_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total',
  'container_memory_usage_bytes',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_memory_cache',
  'container_memory_swap',
  'container_memory_failcnt',
  'container_memory_failures_total',
  'container_oom_events_total',
  'container_spec_memory_limit_bytes',
  'container_spec_cpu_quota',
  'container_spec_cpu_period',
  'container_spec_cpu_shares',
  'container_processes',
  'container_threads',
  'container_file_descriptors',
  'container_fs_usage_bytes',
  'container_fs_inodes_total',
  'container_network_receive_bytes_total',
  'container_network_receive_packets_total',
  'container_network_receive_errors_total',
  'container_network_receive_packets_dropped_total',
  'container_network_transmit_bytes_total',
  'container_network_transmit_packets_total',
  'container_network_transmit_errors_total',
  'container_network_transmit_packets_dropped_total',
  'container_start_time_seconds',
  'container_last_seen',
];

before(async () => {
  world = await startWorld('metrics', '[metrics]\ncollection_period_seconds = 0\n');
  const config = podConfig('metrics');
  const { pod_sandbox_id: id } = await world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  pod = { id, config };
  reader = new PodMetricsReader(world.daemon.client, id);
});

after(async () => {
  if (world && pod) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  }
  await stopWorld(world);
});

async function startContainer(name: string, command: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const client = world.daemon.client;
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config: containerConfig(world.images.busybox, name, command, extra),
    sandbox_config: pod.config,
  });
  await client.runtime('StartContainer', { container_id: id });
  return id;
}

test('ListMetricDescriptors announces cAdvisor container metrics with help text and label keys', async () => {
  const { descriptors } = await world.daemon.client.runtime('ListMetricDescriptors', {});
  const names = new Set(descriptors.map((d) => d.name));
  for (const name of REQUIRED) assert.ok(names.has(name), `descriptor ${name}`);
  assert.equal(names.size, descriptors.length, 'names are unique');
  for (const d of descriptors) {
    assert.ok(d.help.length > 0, `${d.name} has help`);
    assert.deepEqual(d.label_keys.slice(0, 3), ['id', 'name', 'image'], d.name);
    for (const k of ['namespace', 'pod', 'container']) assert.ok(!d.label_keys.includes(k), `kubelet adds ${k}`);
  }
});

test('CPU time rises under a busy loop; spec and process metrics describe the container', async () => {
  const id = await startContainer('spinner', ['sh', '-c', 'while :; do :; done'], {
    linux: { resources: { cpu_period: '100000', cpu_quota: '50000', cpu_shares: '512' } },
  });
  const first = await reader.value('container_cpu_usage_microseconds_total', id, { cpu: 'total' });
  await eventually(
    'CPU microseconds rise',
    async () => (await reader.value('container_cpu_usage_microseconds_total', id)) > first + 100_000n,
  );
  await eventually(
    'whole CPU seconds reach 1',
    async () => (await reader.value('container_cpu_usage_seconds_total', id)) >= 1n,
  );
  assert.equal(await reader.value('container_spec_cpu_quota', id), 50000n);
  assert.equal(await reader.value('container_spec_cpu_period', id), 100000n);
  assert.equal(await reader.value('container_spec_cpu_shares', id), 512n);
  assert.ok((await reader.value('container_processes', id)) >= 1n);
  assert.ok((await reader.value('container_threads', id)) >= 1n);
  assert.ok((await reader.value('container_file_descriptors', id)) >= 3n);
  const started = await reader.value('container_start_time_seconds', id);
  assert.ok(Math.abs(Number(started) - Date.now() / 1000) < 120, `start time ${started}`);
  const [sample] = await reader.samples('container_cpu_usage_seconds_total', id);
  assert.equal(sample.labels.id, id);
  assert.equal(sample.labels.name, 'spinner');
  assert.ok(sample.timestamp > 0n, 'samples carry the time they were read');
  await world.daemon.client.runtime('RemoveContainer', { container_id: id });
});

test('the working set grows when the container fills memory', async () => {
  const id = await startContainer('filler', ['sh', '-c', 'sleep 1000'], {
    linux: { resources: { memory_limit_in_bytes: String(256 * MiB) } },
  });
  const before = await reader.value('container_memory_working_set_bytes', id);
  assert.equal(await reader.value('container_spec_memory_limit_bytes', id), BigInt(256 * MiB));
  const filled = await world.daemon.client.runtime('ExecSync', {
    container_id: id,
    cmd: ['dd', 'if=/dev/zero', 'of=/dev/shm/fill', 'bs=1M', 'count=48'],
    timeout: 30,
  });
  assert.equal(filled.exit_code, 0, filled.stderr.toString());
  await eventually('working set grows by 40 MiB', async () => {
    return (await reader.value('container_memory_working_set_bytes', id)) > before + BigInt(40 * MiB);
  });
  await world.daemon.client.runtime('ExecSync', { container_id: id, cmd: ['rm', '/dev/shm/fill'], timeout: 10 });
  await world.daemon.client.runtime('RemoveContainer', { container_id: id });
});
