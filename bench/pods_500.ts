// Many pods on one node: make N pods (one running container each), list them, then stop and
// remove them all, printing corrald's RSS and CPU seconds along the way. CNI is off (a /24 test
// bridge holds too few addresses): each pod gets its own netns with loopback only.
// --cycles N then runs N whole pod lifecycles one after another (run, create, start, exec, stop,
// stopp, rmp), RSS sampled every --every, to show whether corrald keeps anything per pod.
// After the removals RSS is read at once and again 12 s later ("settled").
// --reference <other checkout>/dist runs the same again on that build's corrald, in the same run,
// after this build's (one registry, one machine state).
// usage: node dist/bench/pods_500.js [--pods 500] [--every 100] [--cycles 0] [--reference DIST]
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { CriClient } from '../cli/cri_client';
import { Corrald } from '../conformance/harness/corrald';
import { cgroupParentDirs } from '../conformance/lifecycle/fixture';
import { pushTestImages, startTestRegistry } from '../conformance/testimages';
import { benchContainerConfig, benchPodConfig, emptyTimings, finishPod, startPod } from './lifecycle_ops';
import { rssKiB } from './stats';

const CLOCK_TICKS = 100;
const SETTLE_MS = 12_000;

/** corrald's user + system CPU seconds so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

let build = 'corrald';

async function sample(daemon: Corrald, phase: string, pods: number): Promise<void> {
  const mib = (await rssKiB(daemon.pid)) / 1024;
  const cpu = await cpuSeconds(daemon.pid);
  console.log(
    `${build} ${phase.padEnd(10)} pods ${String(pods).padStart(4)}  RSS ${mib.toFixed(1)} MiB  CPU ${cpu.toFixed(1)} s`,
  );
}

async function timedMs(call: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function makePod(client: CriClient, image: string): Promise<string> {
  const config = benchPodConfig('many');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  const { container_id: containerId } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config: benchContainerConfig(image),
    sandbox_config: config,
  });
  await client.runtime('StartContainer', { container_id: containerId });
  return podId;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pods: { type: 'string', default: '500' },
      every: { type: 'string', default: '100' },
      cycles: { type: 'string', default: '0' },
      reference: { type: 'string' },
    },
  });
  const registry = await startTestRegistry();
  try {
    const images = await pushTestImages(registry);
    await scenario(values, images.busybox);
    if (values.reference) {
      build = 'reference';
      await scenario(values, images.busybox, path.resolve(values.reference, 'server', 'main.js'));
    }
  } finally {
    await registry.stop();
  }
}

async function scenario(
  values: { pods: string; every: string; cycles: string },
  busybox: string,
  program?: string,
): Promise<void> {
  const total = Number(values.pods);
  const every = Number(values.every);
  const cgroupParent = `/corral-bench-pods-${process.pid}-${build}`;
  let daemon: Corrald | undefined;
  try {
    const toml = [`default_cgroup_parent = "${cgroupParent}"`, '[cni]', 'enabled = false', ''].join('\n');
    daemon = await Corrald.start({ configToml: toml, program });
    const client = daemon.client;
    await sample(daemon, 'idle', 0);
    await client.image('PullImage', { image: { image: busybox }, auth: null });
    await sample(daemon, 'pulled', 0);
    const pods: string[] = [];
    while (pods.length < total) {
      pods.push(await makePod(client, busybox));
      if (pods.length % every === 0 || pods.length === total) await sample(daemon, 'created', pods.length);
    }
    const listMs = await timedMs(() => client.runtime('ListContainers', {}));
    const listPodsMs = await timedMs(() => client.runtime('ListPodSandbox', {}));
    console.log(`ListContainers ${listMs.toFixed(1)} ms, ListPodSandbox ${listPodsMs.toFixed(1)} ms at ${total} pods`);
    for (const [i, podId] of pods.entries()) {
      await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
      await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
      const left = total - i - 1;
      if (left % every === 0) await sample(daemon, 'removed', left);
    }
    // And once V8's memory reducer has run (about 8 s after the work stops).
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await sample(daemon, 'settled', 0);
    for (let cycle = 1; cycle <= Number(values.cycles); cycle++) {
      await finishPod(client, await startPod(client, busybox, 'cycle', emptyTimings()), emptyTimings());
      if (cycle % every === 0) await sample(daemon, `cycles ${cycle}`, 0);
    }
  } finally {
    if (daemon) {
      const { items } = await daemon.client.runtime('ListPodSandbox', {});
      for (const pod of items) await daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
      await daemon.stop();
      await daemon.removeDirs();
    }
    for (const dir of await cgroupParentDirs(cgroupParent)) await fs.rmdir(dir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
