// Metrics through a real corrald on a real CNI network: the pod's network counters in
// ListPodSandboxMetrics (and its stream) rise after traffic, the Prometheus
// endpoint parses as the text format and counts RPCs, pods, containers and CNI work, and
// `corralctl events` follows created, started, stopped and deleted.
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { containerConfig, eventually, podConfig } from '../lifecycle/fixture';
import { PodMetricsReader } from './pod_metrics_reader';
import { httpGet, startNetworkWorld, stopNetworkWorld, type NetworkWorld } from '../network/world';
import { freePort } from '../testing/free_port';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
let world: NetworkWorld;
let metricsPort: number;
let pod: { id: string; config: PodSandboxConfig };
let reader: PodMetricsReader;

before(async () => {
  metricsPort = await freePort();
  world = await startNetworkWorld(
    'metrics',
    `[metrics]\naddress = "127.0.0.1:${metricsPort}"\ncollection_period_seconds = 0`,
  );
  const config = podConfig('metrics');
  const { pod_sandbox_id: id } = await world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  pod = { id, config };
  reader = new PodMetricsReader(world.daemon.client, id);
});

after(async () => {
  await stopNetworkWorld(world);
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

test('pod network counters rise after traffic; the stream returns the same pods', async () => {
  const id = await startContainer('web', [
    'sh',
    '-c',
    'mkdir -p /www && head -c 200000 /dev/zero > /www/big && exec httpd -f -p 8080 -h /www',
  ]);
  const status = await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: pod.id, verbose: false });
  const ip = status.status!.network!.ip;
  const before = await reader.value('container_network_transmit_bytes_total', undefined, { interface: 'eth0' });
  await eventually('httpd answers', async () => (await httpGet(ip, 8080).catch(() => '')) !== '');
  for (let i = 0; i < 5; i++) await httpGetPath(ip, 8080, '/big');
  const afterTx = await reader.value('container_network_transmit_bytes_total', undefined, { interface: 'eth0' });
  assert.ok(afterTx >= before + 1_000_000n, `tx ${before} → ${afterTx}`);
  assert.ok((await reader.value('container_network_receive_packets_total', undefined, { interface: 'eth0' })) > 0n);

  const streamed: string[] = [];
  const stream = world.daemon.client.runtimeStream('StreamPodSandboxMetrics', {});
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (m: { pod_sandbox_metrics: Array<{ pod_sandbox_id: string }> }) =>
      streamed.push(...m.pod_sandbox_metrics.map((p) => p.pod_sandbox_id)),
    );
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  assert.ok(streamed.includes(pod.id));
  await world.daemon.client.runtime('RemoveContainer', { container_id: id });
});

function httpGetPath(host: string, port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: urlPath, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
      })
      .on('error', reject);
  });
}

function scrape(): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string }>;
}

test('/metrics is Prometheus text: process, RPC, pod, container, pull and CNI metrics', async () => {
  await world.daemon.client.runtime('ListContainers', {});
  const { status, type, body } = await scrape();
  assert.equal(status, 200);
  assert.match(type, /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(body) as Family[];
  const family = (name: string) => {
    const found = families.find((f) => f.name === name);
    assert.ok(found, `family ${name}`);
    return found;
  };
  for (const name of [
    'process_resident_memory_bytes',
    'process_cpu_seconds_total',
    'process_open_fds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
  ])
    family(name);
  const listCalls = family('corral_rpc_requests_total').metrics.find(
    (m) => m.labels?.method === 'RuntimeService.ListContainers' && m.labels.code === 'OK',
  );
  assert.ok(Number(listCalls?.value) >= 1, 'ListContainers counted');
  assert.equal(family('corral_rpc_duration_seconds').type, 'HISTOGRAM');
  assert.equal(family('corral_pods').metrics.find((m) => m.labels?.state === 'ready')?.value, '1');
  assert.ok(family('corral_containers').metrics.some((m) => m.labels?.state === 'running'));
  const pulls = family('corral_image_pulls_total').metrics.find((m) => m.labels?.result === 'success');
  assert.ok(Number(pulls?.value) >= 1, 'the world pulled busybox');
  assert.ok(Number(family('corral_image_pull_bytes_total').metrics[0].value) > 0);
  // The parser keeps no labels of histogram series, so the count is read from the text itself.
  assert.equal(family('corral_cni_duration_seconds').type, 'HISTOGRAM');
  const adds = /^corral_cni_duration_seconds_count\{operation="ADD",result="success"\} (\d+)$/m.exec(body);
  assert.ok(Number(adds?.[1]) >= 1, 'the pod ADD was timed');
  family('corral_oom_kills_total');
  family('corral_monitors');
  family('corral_streaming_sessions');
  const notFound = await new Promise<number>((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port: metricsPort, path: '/', agent: false }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      })
      .on('error', reject),
  );
  assert.equal(notFound, 404);
});

test('corralctl events follows created, started, stopped and deleted', async () => {
  const endpoint = `unix://${world.daemon.dirs.socket}`;
  const follower = spawn(process.execPath, [CORRALCTL, '--endpoint', endpoint, '-o', 'json', 'events']);
  let out = '';
  follower.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => follower.once('exit', resolve));
  try {
    // Subscribed once a throw-away container's creation shows up.
    await eventually('the follower is subscribed', async () => {
      const { container_id: probe } = await world.daemon.client.runtime('CreateContainer', {
        pod_sandbox_id: pod.id,
        config: containerConfig(world.images.busybox, 'probe', ['true']),
        sandbox_config: pod.config,
      });
      await world.daemon.client.runtime('RemoveContainer', { container_id: probe });
      await new Promise((resolve) => setTimeout(resolve, 200));
      return out.includes(probe);
    });
    const id = await startContainer('brief', ['true']);
    await world.daemon.client.runtime('StopContainer', { container_id: id, timeout: 5 });
    await world.daemon.client.runtime('RemoveContainer', { container_id: id });
    await eventually('four events printed', async () => out.split('\n').filter((l) => l.includes(id)).length >= 4);
    const kinds = out
      .split('\n')
      .filter((l) => l.includes(id))
      .map((l) => JSON.parse(l) as { event: string; podId: string });
    assert.deepEqual(
      kinds.map((k) => k.event),
      ['created', 'started', 'stopped', 'deleted'],
    );
    assert.equal(kinds[0].podId, pod.id);
  } finally {
    follower.kill('SIGINT');
  }
  assert.equal(await exited, 0, 'SIGINT ends corralctl events cleanly');
});
