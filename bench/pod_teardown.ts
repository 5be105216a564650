// A pod's whole life with a CNI bridge + portmap (RunPodSandbox … RemovePodSandbox), this build
// against a reference build of corral (e.g. the commit before a change), interleaved pod by pod
// in one run on one private test network, so the machine's load hits both alike.
// usage: node dist/bench/pod_teardown.js --reference <other checkout>/dist [--runs N]
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Corrald } from '../conformance/harness/corrald';
import { cgroupParentDirs } from '../conformance/lifecycle/fixture';
import { pushTestImages, startTestRegistry, type TestRegistry } from '../conformance/testimages';
import { NetworkFixture, PLUGIN_DIRS } from '../runtime/network/testing/fixture';
import { emptyTimings, finishPod, OPS, startPod, type Timings } from './lifecycle_ops';
import { percentile } from './stats';

interface Contender {
  name: string;
  cgroupParent: string;
  daemon?: Corrald;
  timings: Timings;
}

function daemonToml(fx: NetworkFixture, cgroupParent: string): string {
  const cni = ['[cni]', `conf_dir = "${fx.confDir}"`, `bin_dirs = ${JSON.stringify(PLUGIN_DIRS)}`];
  return [`default_cgroup_parent = "${cgroupParent}"`, ...cni, ''].join('\n');
}

function report(contenders: Contender[]): void {
  const [ours, reference] = contenders;
  console.log(`op                 this p50  p99   | reference p50  p99   | p50 ratio`);
  for (const op of OPS) {
    const a = ours.timings[op];
    const b = reference.timings[op];
    const cells = [percentile(a, 50), percentile(a, 99), percentile(b, 50), percentile(b, 99)].map((v) =>
      v.toFixed(1).padStart(6),
    );
    const ratio = (percentile(a, 50) / percentile(b, 50)).toFixed(2);
    console.log(`${op.padEnd(18)} ${cells[0]} ${cells[1]} | ${cells[2]} ${cells[3]}       | ${ratio}`);
  }
}

async function cleanUp(contenders: Contender[], registry?: TestRegistry, fx?: NetworkFixture): Promise<void> {
  for (const c of contenders) {
    if (!c.daemon) continue;
    const { items } = await c.daemon.client.runtime('ListPodSandbox', {});
    for (const pod of items) await c.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
    await c.daemon.stop();
    await c.daemon.removeDirs();
    for (const dir of await cgroupParentDirs(c.cgroupParent)) await fs.rmdir(dir);
  }
  await registry?.stop();
  await fx?.cleanup();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '15' }, reference: { type: 'string' } },
  });
  if (!values.reference) throw new Error('--reference <dist of another corral build> is required');
  const programs = [undefined, path.resolve(values.reference, 'server', 'main.js')];
  const contenders: Contender[] = ['this', 'reference'].map((name) => ({
    name,
    cgroupParent: `/corral-bench-teardown-${name}-${process.pid}`,
    timings: emptyTimings(),
  }));
  const fx = await NetworkFixture.create();
  let registry: TestRegistry | undefined;
  try {
    await fx.writeConflist([fx.bridgePlugin(), { type: 'portmap', capabilities: { portMappings: true }, snat: true }]);
    registry = await startTestRegistry();
    const images = await pushTestImages(registry);
    for (const [i, c] of contenders.entries()) {
      c.daemon = await Corrald.start({ configToml: daemonToml(fx, c.cgroupParent), program: programs[i] });
      await c.daemon.client.image('PullImage', { image: { image: images.busybox }, auth: null });
    }
    for (let run = 0; run < Number(values.runs); run++) {
      for (const c of contenders) {
        await finishPod(c.daemon!.client, await startPod(c.daemon!.client, images.busybox, 'td', c.timings), c.timings);
      }
    }
    report(contenders);
  } finally {
    await cleanUp(contenders, registry, fx);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
