// The cost of metrics at N running pods, side by side in one run: ListPodSandboxMetrics (served
// from the collection snapshot, and the first, live collection), a Prometheus scrape, and
// ListContainerStats as the reference; and create+start with and without a metrics reader
// asking every second (a busy kubelet), to show collection does not slow the pod path.
// usage: node dist/bench/metrics.js --endpoint unix:///run/corral/corral.sock --metrics http://127.0.0.1:1338/metrics
//          [--image REF] [--pods 100] [--runs 30]
import * as grpc from '@grpc/grpc-js';
import * as http from 'node:http';
import { parseArgs } from 'node:util';
import { CriClient, normaliseEndpoint } from '../cli/cri_client';
import { emptyTimings, startPod, type RunningPod } from './lifecycle_ops';
import { rawCall } from './raw_call';
import { percentile } from './stats';

const DEFAULT_IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-2';

async function timeMs(call: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function series(runs: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await timeMs(call));
  return out;
}

function scrape(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
      })
      .on('error', reject);
  });
}

async function createStart(client: CriClient, image: string, runs: number): Promise<number[]> {
  const timings = emptyTimings();
  const pods: RunningPod[] = [];
  try {
    for (let i = 0; i < runs; i++) pods.push(await startPod(client, image, 'cs', timings));
  } finally {
    for (const pod of pods) await client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId }).catch(() => 0);
  }
  return timings.CreateContainer.map((create, i) => create + timings.StartContainer[i]);
}

const row = (what: string, ms: number[]) =>
  `${what.padEnd(44)} p50 ${percentile(ms, 50).toFixed(2).padStart(8)} ms   p99 ${percentile(ms, 99).toFixed(2).padStart(8)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: 'unix:///run/corral/corral.sock' },
      metrics: { type: 'string' },
      image: { type: 'string', default: DEFAULT_IMAGE },
      pods: { type: 'string', default: '100' },
      runs: { type: 'string', default: '30' },
    },
  });
  const client = new CriClient(values.endpoint, 60_000);
  const runs = Number(values.runs);
  await client.image('PullImage', { image: { image: values.image }, auth: null });
  const pods: RunningPod[] = [];
  const scratch = emptyTimings();
  try {
    for (let i = 0; i < Number(values.pods); i++) pods.push(await startPod(client, values.image, 'm', scratch));
    const cold = await timeMs(() => client.runtime('ListPodSandboxMetrics', {}));
    const lines = [`${pods.length} running pods, ${runs} runs each, ${values.endpoint}`];
    lines.push(`${'ListPodSandboxMetrics, first (live collection)'.padEnd(44)} ${cold.toFixed(2)} ms`);
    const raw = new grpc.Client(normaliseEndpoint(values.endpoint), grpc.credentials.createInsecure());
    const kib = (await rawCall(raw, 'ListPodSandboxMetrics')) / 1024;
    const listMetrics = await series(runs, () => rawCall(raw, 'ListPodSandboxMetrics'));
    lines.push(row(`ListPodSandboxMetrics (${kib.toFixed(0)} KiB)`, listMetrics));
    lines.push(row('ListContainerStats (reference)', await series(runs, () => rawCall(raw, 'ListContainerStats'))));
    const decoded = await series(runs, () => client.runtime('ListPodSandboxMetrics', {}));
    lines.push(row('ListPodSandboxMetrics, decoded by protobufjs', decoded));
    if (values.metrics)
      lines.push(row('GET /metrics (Prometheus scrape)', await series(runs, () => scrape(values.metrics!))));
    const quiet = await createStart(client, values.image, runs);
    let reading = true;
    const reader = (async () => {
      // kubelet asks every few seconds; once a second is a busy kubelet.
      while (reading) {
        await rawCall(raw, 'ListPodSandboxMetrics');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    const busy = await createStart(client, values.image, runs);
    reading = false;
    await reader;
    lines.push(row('create+start, nobody reading metrics', quiet));
    lines.push(row('create+start, ListPodSandboxMetrics every 1 s', busy));
    lines.push(`ratio (busy/quiet p50): ${(percentile(busy, 50) / percentile(quiet, 50)).toFixed(2)}`);
    raw.close();
    console.log(lines.join('\n'));
  } finally {
    for (const pod of pods) await client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId }).catch(() => 0);
    client.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
