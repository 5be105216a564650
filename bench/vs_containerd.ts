// corral against containerd 1.6 + runc in one run on one machine (issue 15's table): start-up,
// idle RSS, the pod lifecycle loop with a CNI bridge + portmap (runp, create, start, exec, stop,
// stopp, rmp; the two runtimes interleaved pod by pod), in the same rounds the loop with
// host-network pods (no CNI on either side), the CNI floor (the bench's plugin chain run
// directly, ADD then DEL: what both loops with CNI share) and the kernel floor (one pod's life
// with no runtime: bench/pod_floor.c), then List/Status latencies and daemon RSS
// at 0, 100 and N pods (host-network pods: a /24 test bridge holds too few addresses), and RSS
// once they are all removed. Ratios are corral / containerd; lower is better.
// usage: node dist/bench/vs_containerd.js [--vs-containerd] [--runs 20] [--pods 500] [--list-runs 30]
//   [--steps: corrald at debug level, its per-step timings printed (slower; not for the ratios)]
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cgroupParentDirs } from '../conformance/lifecycle/fixture';
import { cniFloorOnce, cniLeftovers, type FloorTimes } from './cni_floor';
import { kernelFloorOnce, prepareKernelFloor, removeKernelFloor, type FloorSteps } from './kernel_floor';
import { emptyTimings, finishPod, OPS, startPod, type RunningPod, type Timings } from './lifecycle_ops';
import { rawCall } from './raw_call';
import { CNI_BIN_DIR, startWorld, stopWorld, type Side, type World } from './side_by_side_world';
import { percentile, rssKiB } from './stats';
import { printStepP50s } from './step_log';

const LIST_CALLS = ['ListContainers', 'ListPodSandbox', 'ContainerStatus', 'PodSandboxStatus'] as const;
/** Issue 15's target for the whole loop with CNI, corral / containerd. */
const LOOP_TARGET = 0.45;

interface LoopTimes {
  timings: Timings;
  loopMs: number[];
  /** The pods' and containers' ids, to tell their lines in corrald's step log apart. */
  ids: Set<string>;
}

interface SideRun {
  side: Side;
  /** The loop with a CNI bridge + portmap, and with host-network pods. */
  cni: LoopTimes;
  host: LoopTimes;
  pods: RunningPod[];
  /** level label → call → p50/p99 ms */
  lists: Map<number, Record<string, [number, number]>>;
  /** label → RSS MiB */
  rss: Map<string, number>;
}

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const sleep = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

async function sampleRss(run: SideRun, label: string): Promise<void> {
  await sleep(1000); // let both settle (timers, GC) before reading
  run.rss.set(label, (await rssKiB(run.side.pid)) / 1024);
}

async function onePod(r: SideRun, image: string, tag: string, into: LoopTimes, hostNetwork: boolean): Promise<void> {
  const started = process.hrtime.bigint();
  const options = { cgroupParent: r.side.cgroupParent, hostNetwork };
  const pod = await startPod(r.side.client, image, tag, into.timings, options);
  await finishPod(r.side.client, pod, into.timings);
  into.loopMs.push(ms(started));
  into.ids.add(pod.podId).add(pod.containerId);
}

interface Floors {
  /** The plugins alone (bridge + portmap), ADD then DEL. */
  cni: FloorTimes[];
  /** The kernel's own work for one pod's life, no runtime, no CNI (bench/pod_floor.c). */
  kernel: FloorSteps[];
}

/**
 * Each round: one full pod life on each side with CNI, then one with host network, the order of
 * the sides alternating so neither always goes first; then the plugins alone once and the
 * kernel floor once.
 */
async function lifecycleLoop(runs: SideRun[], world: World, n: number): Promise<Floors> {
  const untimed = (): LoopTimes => ({ timings: emptyTimings(), loopMs: [], ids: new Set() });
  for (const r of runs) for (const host of [false, true]) await onePod(r, world.image, 'warm', untimed(), host);
  await cniFloorOnce(world.network, CNI_BIN_DIR);
  // Under corral's cgroup parent (made by its pods above), in every hierarchy.
  const kernelFloor = await prepareKernelFloor(await cgroupParentDirs(runs[0].side.cgroupParent));
  try {
    await kernelFloorOnce(kernelFloor);
    const floors: Floors = { cni: [], kernel: [] };
    for (let i = 0; i < n; i++) {
      const order = i % 2 === 0 ? runs : [...runs].reverse();
      for (const r of order) await onePod(r, world.image, 'loop', r.cni, false);
      for (const r of order) await onePod(r, world.image, 'host', r.host, true);
      floors.cni.push(await cniFloorOnce(world.network, CNI_BIN_DIR));
      floors.kernel.push(await kernelFloorOnce(kernelFloor));
    }
    return floors;
  } finally {
    await removeKernelFloor(kernelFloor);
  }
}

async function listLatencies(run: SideRun, level: number, calls: number): Promise<void> {
  const raw = new grpc.Client(`unix://${run.side.socket}`, grpc.credentials.createInsecure());
  const pick = () => run.pods[Math.floor(Math.random() * run.pods.length)];
  const requests: Record<(typeof LIST_CALLS)[number], () => object | undefined> = {
    ListContainers: () => ({}),
    ListPodSandbox: () => ({}),
    ContainerStatus: () => (run.pods.length ? { container_id: pick().containerId } : undefined),
    PodSandboxStatus: () => (run.pods.length ? { pod_sandbox_id: pick().podId } : undefined),
  };
  const row: Record<string, [number, number]> = {};
  try {
    for (const call of LIST_CALLS) {
      const times: number[] = [];
      // One untimed call first: it encodes the records new at this level once (and connects).
      const warm = requests[call]();
      if (warm) await rawCall(raw, call, warm);
      for (let i = 0; i < calls; i++) {
        const request = requests[call]();
        if (!request) break;
        const started = process.hrtime.bigint();
        await rawCall(raw, call, request);
        times.push(ms(started));
      }
      row[call] = [percentile(times, 50), percentile(times, 99)];
    }
  } finally {
    raw.close();
  }
  run.lists.set(level, row);
}

/** Grows both sides to each level (one host-network pod with one container at a time, interleaved). */
async function scale(runs: SideRun[], image: string, levels: number[], calls: number): Promise<void> {
  for (const level of levels) {
    while (runs.some((r) => r.pods.length < level)) {
      for (const r of runs) {
        const options = { cgroupParent: r.side.cgroupParent, hostNetwork: true };
        if (r.pods.length < level) r.pods.push(await startPod(r.side.client, image, 'many', emptyTimings(), options));
      }
    }
    // Measured once both settled (sampleRss waits a second first): the growth's garbage
    // collection and memory trims otherwise land in the first calls, which is not kubelet's
    // steady relisting.
    for (const r of runs) {
      await sampleRss(r, `${level} pods`);
      await listLatencies(r, level, calls);
    }
    console.error(`vs_containerd: ${level} pods each listed and measured`);
  }
  while (runs.some((r) => r.pods.length > 0)) {
    for (const r of runs) {
      const pod = r.pods.pop();
      if (!pod) continue;
      await r.side.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.podId });
      await r.side.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId });
    }
  }
  for (const r of runs) await sampleRss(r, `after ${levels.at(-1)} removed`);
}

function line(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((c, i) => (typeof c === 'number' ? c.toFixed(c >= 100 ? 0 : 1) : c).padStart(widths[i] ?? 10))
    .join(' ');
}

const W = [22, 10, 10, 12, 12, 8];
const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}x`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

function loopRows(title: string, a: LoopTimes, b: LoopTimes): void {
  console.log(title);
  for (const op of OPS) {
    const [x, y] = [a.timings[op], b.timings[op]];
    const row = [op, percentile(x, 50), percentile(x, 99), percentile(y, 50), percentile(y, 99)];
    console.log(line([...row, ratio(percentile(x, 50), percentile(y, 50))], W));
  }
  const [la, lb] = [a.loopMs, b.loopMs];
  const loop = ['whole loop', percentile(la, 50), percentile(la, 99), percentile(lb, 50), percentile(lb, 99)];
  console.log(line([...loop, ratio(percentile(la, 50), percentile(lb, 50))], W));
}

/** The plugins' own time per loop, and what the target leaves for corral's own work beside it. */
function floorRows(a: SideRun, b: SideRun, floors: Floors): void {
  const p50 = (pick: (f: FloorTimes) => number) => percentile(floors.cni.map(pick), 50);
  const both = p50((f) => f.addMs + f.delMs);
  const [add, del] = [p50((f) => f.addMs).toFixed(1), p50((f) => f.delMs).toFixed(1)];
  console.log(
    `CNI plugins alone (bridge + portmap, ${floors.cni.length} runs), p50 ms: ADD ${add}, DEL ${del}, both ${both.toFixed(1)}`,
  );
  const [corral, containerd] = [percentile(a.cni.loopMs, 50), percentile(b.cni.loopMs, 50)];
  const allowed = LOOP_TARGET * containerd;
  console.log(
    `${LOOP_TARGET}x target: corral's loop <= ${allowed.toFixed(0)} ms; less the plugins' ${both.toFixed(0)} that leaves ${(allowed - both).toFixed(0)} ms for corral's own work (now ${(corral - both).toFixed(0)}); without the plugins ${((corral - both) / (containerd - both)).toFixed(2)}x`,
  );
  kernelFloorRows(a, floors, both, containerd);
  const kernel = percentile(
    floors.kernel.map((f) => OPS.reduce((sum, op) => sum + (f[op] ?? 0), 0)),
    50,
  );
  console.log(
    `corral's own work in the loop with CNI (its loop less the plugins): ${(corral - both).toFixed(0)} ms, ${(corral - both - kernel).toFixed(0)} above the kernel floor (${kernel.toFixed(0)})`,
  );
}

/**
 * The kernel floor per step beside corral's host-network loop (no CNI in either), and the least
 * a runtime could take for the loop with CNI if it did nothing but the plugins and the kernel's
 * work one after the other.
 */
function kernelFloorRows(a: SideRun, floors: Floors, plugins: number, containerd: number): void {
  const totals = floors.kernel.map((f) => OPS.reduce((sum, op) => sum + (f[op] ?? 0), 0));
  const kernel = percentile(totals, 50);
  console.log(`kernel floor: one pod life with no runtime (bench/pod_floor.c, ${totals.length} runs), p50 ms:`);
  for (const op of OPS) {
    const floor = percentile(
      floors.kernel.map((f) => f[op] ?? 0),
      50,
    );
    const corral = percentile(a.host.timings[op], 50);
    console.log(line([op, floor, '', corral, '', signed(corral - floor)], W));
  }
  const corralHost = percentile(a.host.loopMs, 50);
  console.log(line(['whole life', kernel, '', corralHost, '', signed(corralHost - kernel)], W));
  console.log(
    `(columns: kernel floor, corral's host-network loop, corral above the floor); plugins + kernel floor one after the other: ${(plugins + kernel).toFixed(0)} ms = ${ratio(plugins + kernel, containerd)} of containerd's loop with CNI`,
  );
}

function report([a, b]: SideRun[], levels: number[], loadBefore: number[], floors: Floors): void {
  console.log(`load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  // Each container's mount namespace starts as a copy of the host's table (runc's and corral's):
  // thousands of mounts left by other work slow both sides' container steps.
  console.log(`host mounts: ${readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length - 1}`);
  console.log(line(['ms (ratio = corral/containerd)', 'corral p50', 'p99', 'containerd p50', 'p99', 'ratio'], W));
  console.log(
    line(['start to ready', a.side.startMs, '', b.side.startMs, '', ratio(a.side.startMs, b.side.startMs)], W),
  );
  loopRows('pod loop with CNI bridge + portmap:', a.cni, b.cni);
  loopRows('pod loop with host network (no CNI):', a.host, b.host);
  floorRows(a, b, floors);
  for (const level of levels) {
    for (const call of LIST_CALLS) {
      const [x, y] = [a.lists.get(level)?.[call], b.lists.get(level)?.[call]];
      if (!x || !y || Number.isNaN(x[0])) continue;
      console.log(line([`${call} @${level}`, x[0], x[1], y[0], y[1], ratio(x[0], y[0])], W));
    }
  }
  console.log(line(['daemon RSS MiB', 'corral', '', 'containerd', '', 'ratio'], W));
  for (const label of a.rss.keys()) {
    const [x, y] = [a.rss.get(label)!, b.rss.get(label)!];
    console.log(line([label, x, '', y, '', ratio(x, y)], W));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'vs-containerd': { type: 'boolean', default: true },
      runs: { type: 'string', default: '20' },
      pods: { type: 'string', default: '500' },
      'list-runs': { type: 'string', default: '30' },
      steps: { type: 'boolean', default: false },
    },
  });
  const pods = Number(values.pods);
  const levels = [...new Set([0, Math.min(100, pods), pods])];
  const loadBefore = (await import('node:os')).loadavg();
  const world: World = await startWorld(values.steps);
  try {
    const runs: SideRun[] = [];
    for (const side of world.sides) {
      const loop = (): LoopTimes => ({ timings: emptyTimings(), loopMs: [], ids: new Set() });
      runs.push({ side, cni: loop(), host: loop(), pods: [], lists: new Map(), rss: new Map() });
    }
    for (const r of runs) await sampleRss(r, 'idle after pull');
    const floors = await lifecycleLoop(runs, world, Number(values.runs));
    const leftovers = await cniLeftovers(world.network);
    for (const r of runs) await sampleRss(r, `after ${2 * Number(values.runs)} lifecycles`);
    await scale(runs, world.image, levels, Number(values['list-runs']));
    report(runs, levels, loadBefore, floors);
    console.log(`left by CNI after every pod's and the floor's DEL: ${leftovers.join('; ') || 'nothing'}`);
    if (values.steps) {
      printStepP50s(world.corrald!.logs, runs[0].cni.ids, 'loop with CNI');
      printStepP50s(world.corrald!.logs, runs[0].host.ids, 'loop with host network');
    }
    console.log(
      `load average after: ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await stopWorld(world);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
