// Pod and container lifecycle latency (p50/p99, sequential and N in parallel) and memory (RSS of
// the daemon and of each container's parent process: corral's monitor, containerd's shim) with
// N pods running, against any CRI endpoints side by side.
// usage: node dist/bench/lifecycle.js [--endpoint unix:///run/corral/corral.sock] [--vs unix:///run/containerd-ref/containerd.sock]
//          [--image REF] [--runs 30] [--parallel 10]
import { parseArgs } from 'node:util';
import { CriClient, normaliseEndpoint } from '../cli/cri_client';
import { emptyTimings, finishPod, OPS, startPod, type RunningPod, type Timings } from './lifecycle_ops';
import { parentPid, socketOwnerPid } from './process_tree';
import { percentile, rssKiB } from './stats';

const DEFAULT_IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-2';

interface Result {
  endpoint: string;
  sequential: Timings;
  parallel: Timings;
  parallelWallMs: number;
  rss: { daemonMiB: number; perParentMiB: number; pods: number };
}

async function sequential(client: CriClient, image: string, runs: number): Promise<Timings> {
  const timings = emptyTimings();
  for (let i = 0; i < runs; i++) await finishPod(client, await startPod(client, image, 'seq', timings), timings);
  return timings;
}

async function parallel(client: CriClient, image: string, n: number): Promise<{ timings: Timings; wallMs: number }> {
  const timings = emptyTimings();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: n }, async () => finishPod(client, await startPod(client, image, 'par', timings), timings)),
  );
  return { timings, wallMs: Date.now() - started };
}

/** RSS with `n` pods running: the daemon's, and the mean of each container's parent process. */
async function memory(client: CriClient, endpoint: string, image: string, n: number): Promise<Result['rss']> {
  const pods: RunningPod[] = [];
  const scratch = emptyTimings();
  try {
    for (let i = 0; i < n; i++) pods.push(await startPod(client, image, 'rss', scratch));
    const daemon = await socketOwnerPid(normaliseEndpoint(endpoint).replace(/^unix:\/\//, ''));
    const parents = new Set<number>();
    for (const pod of pods) {
      const info = (await client.runtime('ContainerStatus', { container_id: pod.containerId, verbose: true })).info
        .info;
      const pid = info ? (JSON.parse(info) as { pid: number }).pid : 0;
      const parent = pid > 0 ? await parentPid(pid) : undefined;
      if (parent) parents.add(parent);
    }
    const parentRss = await Promise.all([...parents].map((pid) => rssKiB(pid)));
    return {
      daemonMiB: daemon ? (await rssKiB(daemon)) / 1024 : NaN,
      perParentMiB: parentRss.reduce((a, b) => a + b, 0) / Math.max(1, parentRss.length) / 1024,
      pods: n,
    };
  } finally {
    for (const pod of pods)
      await client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId }).catch(() => undefined);
  }
}

async function measure(endpoint: string, image: string, runs: number, n: number): Promise<Result> {
  const client = new CriClient(endpoint, 120_000);
  try {
    await client.image('PullImage', { image: { image }, auth: null });
    // One untimed round warms caches (image config, snapshots, code paths) on both sides alike.
    await finishPod(client, await startPod(client, image, 'warm', emptyTimings()), emptyTimings());
    const seq = await sequential(client, image, runs);
    const par = await parallel(client, image, n);
    return {
      endpoint,
      sequential: seq,
      parallel: par.timings,
      parallelWallMs: par.wallMs,
      rss: await memory(client, endpoint, image, n),
    };
  } finally {
    client.close();
  }
}

function report(results: Result[], runs: number, n: number): void {
  const rows: Record<string, Record<string, string>> = {};
  for (const op of [...OPS, 'Create+Start'] as const) {
    const row: Record<string, string> = {};
    for (const [i, r] of results.entries()) {
      const pick = (t: Timings) =>
        op === 'Create+Start' ? t.CreateContainer.map((c, k) => c + t.StartContainer[k]) : t[op];
      const tag = i === 0 ? 'A' : 'B';
      row[`${tag} seq p50`] = percentile(pick(r.sequential), 50).toFixed(1);
      row[`${tag} seq p99`] = percentile(pick(r.sequential), 99).toFixed(1);
      row[`${tag} par p50`] = percentile(pick(r.parallel), 50).toFixed(1);
      row[`${tag} par p99`] = percentile(pick(r.parallel), 99).toFixed(1);
    }
    rows[op] = row;
  }
  results.forEach((r, i) => console.log(`${i === 0 ? 'A' : 'B'} = ${r.endpoint}`));
  console.log(`latency in ms; seq = ${runs} pods one after another, par = ${n} pods at once`);
  console.table(rows);
  console.table(
    Object.fromEntries(
      results.map((r, i) => [
        i === 0 ? 'A' : 'B',
        {
          [`${n} pods in parallel, wall ms`]: r.parallelWallMs,
          'daemon RSS MiB': r.rss.daemonMiB.toFixed(1),
          'RSS per container parent (monitor/shim) MiB': r.rss.perParentMiB.toFixed(2),
        },
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: 'unix:///run/corral/corral.sock' },
      vs: { type: 'string' },
      image: { type: 'string', default: DEFAULT_IMAGE },
      runs: { type: 'string', default: '30' },
      parallel: { type: 'string', default: '10' },
    },
  });
  const runs = Number(values.runs);
  const n = Number(values.parallel);
  const results = [await measure(values.endpoint, values.image, runs, n)];
  if (values.vs) results.push(await measure(values.vs, values.image, runs, n));
  report(results, runs, n);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
