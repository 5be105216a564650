// The read path kubelet polls every second, at N running containers, against CRI endpoints side by
// side: ListContainers, ListPodSandbox, ContainerStatus and PodSandboxStatus p50/p99. Answers are
// taken as bytes (what the server and the wire cost; kubelet's Go decoder is not what is measured).
// usage: node dist/bench/list_latency.js [--endpoint unix:///run/corral/corral.sock] [--vs ENDPOINT]
//          [--image REF] [--containers 500] [--runs 50]
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { CriClient, normaliseEndpoint } from '../cli/cri_client';
import { emptyTimings, startPod, type RunningPod } from './lifecycle_ops';
import { rawCall } from './raw_call';
import { percentile } from './stats';

const DEFAULT_IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-2';
const CALLS = ['ListContainers', 'ListPodSandbox', 'ContainerStatus', 'PodSandboxStatus'] as const;
type Call = (typeof CALLS)[number];

async function measure(endpoint: string, image: string, containers: number, runs: number) {
  const client = new CriClient(endpoint, 120_000);
  const raw = new grpc.Client(normaliseEndpoint(endpoint), grpc.credentials.createInsecure());
  const pods: RunningPod[] = [];
  const results: Record<Call, number[]> = {
    ListContainers: [],
    ListPodSandbox: [],
    ContainerStatus: [],
    PodSandboxStatus: [],
  };
  try {
    await client.image('PullImage', { image: { image }, auth: null });
    const scratch = emptyTimings();
    for (let i = 0; i < containers; i++) pods.push(await startPod(client, image, 'list', scratch));
    const requests: Record<Call, () => object> = {
      ListContainers: () => ({}),
      ListPodSandbox: () => ({}),
      ContainerStatus: () => ({ container_id: pods[Math.floor(Math.random() * pods.length)].containerId }),
      PodSandboxStatus: () => ({ pod_sandbox_id: pods[Math.floor(Math.random() * pods.length)].podId }),
    };
    for (let i = 0; i < runs; i++) {
      for (const call of CALLS) {
        const started = process.hrtime.bigint();
        await rawCall(raw, call, requests[call]());
        results[call].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  } finally {
    for (const pod of pods) await client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId }).catch(() => 0);
    raw.close();
    client.close();
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: 'unix:///run/corral/corral.sock' },
      vs: { type: 'string' },
      image: { type: 'string', default: DEFAULT_IMAGE },
      containers: { type: 'string', default: '500' },
      runs: { type: 'string', default: '50' },
    },
  });
  const n = Number(values.containers);
  const runs = Number(values.runs);
  const ours = await measure(values.endpoint, values.image, n, runs);
  const theirs = values.vs ? await measure(values.vs, values.image, n, runs) : undefined;
  console.log(`${n} running containers (one per pod), ${runs} calls each; ms`);
  console.log(
    `${'call'.padEnd(18)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}${theirs ? `  ${'vs p50'.padStart(8)} ${'vs p99'.padStart(8)}   ratio p50` : ''}`,
  );
  for (const call of CALLS) {
    const a = [percentile(ours[call], 50), percentile(ours[call], 99)];
    let line = `${call.padEnd(18)} ${a[0].toFixed(2).padStart(8)} ${a[1].toFixed(2).padStart(8)}`;
    if (theirs) {
      const b = [percentile(theirs[call], 50), percentile(theirs[call], 99)];
      line += `  ${b[0].toFixed(2).padStart(8)} ${b[1].toFixed(2).padStart(8)}   ${(a[0] / b[0]).toFixed(2)}x`;
    }
    console.log(line);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
