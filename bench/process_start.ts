// Container create+start latency (until the command has been exec-ed) of corral's process layer,
// side by side with runc (and crun) on the same read-only busybox rootfs, driven from Node the same
// way (spawned programs). Also the RSS of one idle corral-monitor.
// usage: bash bench/setup-bench.sh; node dist/bench/process_start.js [--runs N] [--vs runc,crun]
// (crun 1.8 refuses this host's cgroup v1/v2 hybrid mode: "drop all controllers from cgroupv2".)
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import {
  corralSpec,
  timedCreateStart,
  measure,
  type OciConfig,
  report,
  run,
  type Runner,
  withBenchRoot,
} from './process_bench_setup';
import { rssKiB } from './stats';

function corralRunner(base: string, rootfs: string, oci: OciConfig): Runner {
  const runtime = new NativeProcessRuntime();
  return async (i) => {
    const spec = corralSpec(base, i, rootfs, oci);
    return timedCreateStart(runtime, spec);
  };
}

function ociRunner(program: string, bundle: string): Runner {
  const global = program === 'crun' ? ['--cgroup-manager=disabled'] : [];
  return async (i) => {
    const id = `corral-bench-${process.pid}-${i}`;
    const started = process.hrtime.bigint();
    await run(program, [...global, 'create', '--bundle', bundle, id]);
    await run(program, [...global, 'start', id]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await run(program, [...global, 'delete', '-f', id]);
    return ms;
  };
}

async function monitorRss(base: string, rootfs: string, oci: OciConfig): Promise<number> {
  const runtime = new NativeProcessRuntime();
  const spec = corralSpec(base, 9_999_999, rootfs, oci, ['sleep', '1000']);
  const created = await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rss = await rssKiB(created.monitor.pid);
  await runtime.signal(spec.bundleDir, 'SIGKILL');
  await runtime.waitExit(spec.bundleDir);
  return rss;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '200' }, vs: { type: 'string', default: 'runc' } },
  });
  const others = values.vs.split(',').filter(Boolean);
  await withBenchRoot(['true'], async (base, rootfs, oci) => {
    const runners = [
      corralRunner(base, rootfs, oci),
      ...others.map((other) => ociRunner(other, path.join(base, 'oci'))),
    ];
    report('create+start to exec', ['corral', ...others], await measure(runners, Number(values.runs)));
    console.log(`corral-monitor RSS (idle, one container): ${await monitorRss(base, rootfs, oci)} KiB`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
