// What sealing costs (issue 11): ExecSync and create+start latency of this build's process layer
// against a reference build of corral (e.g. the commit before sealing, built in another worktree),
// interleaved in one run on the same rootfs.
// usage: bash bench/setup-bench.sh; node dist/bench/sealing.js --reference <other checkout>/dist [--runs N]
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import type { ProcessRuntime } from '../runtime/process/contract';
import { corralSpec, measure, type OciConfig, report, type Runner, withBenchRoot } from './process_bench_setup';

type RuntimeClass = new () => ProcessRuntime;

function loadReference(dist: string): RuntimeClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a build chosen at run time
  const module = require(path.resolve(dist, 'runtime/process/process_runtime.js')) as {
    NativeProcessRuntime: RuntimeClass;
  };
  return module.NativeProcessRuntime;
}

function startRunner(runtime: ProcessRuntime, base: string, rootfs: string, oci: OciConfig, offset: number): Runner {
  return async (i) => {
    const spec = corralSpec(base, offset + i, rootfs, oci);
    const started = process.hrtime.bigint();
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await runtime.waitExit(spec.bundleDir);
    await fs.rm(spec.bundleDir, { recursive: true, force: true });
    return ms;
  };
}

/** A running `sleep` container of `runtime` and a runner that times ExecSync of `true` in it. */
async function execRunner(runtime: ProcessRuntime, base: string, rootfs: string, oci: OciConfig, i: number) {
  const spec = corralSpec(base, i, rootfs, oci, ['sleep', '1000']);
  await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  const probe = { ...spec.process, args: ['true'] };
  const runner: Runner = async () => {
    const started = process.hrtime.bigint();
    await runtime.execSync(spec.bundleDir, probe, 0);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const stop = async () => {
    await runtime.signal(spec.bundleDir, 'SIGKILL');
    await runtime.waitExit(spec.bundleDir);
  };
  return { runner, stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '200' }, reference: { type: 'string' } },
  });
  if (!values.reference) throw new Error('--reference <dist of another corral build> is required');
  const runs = Number(values.runs);
  const sealed = new NativeProcessRuntime();
  const reference = new (loadReference(values.reference))();
  await withBenchRoot(['true'], async (base, rootfs, oci) => {
    const names = ['sealed', 'reference'];
    const starts = [startRunner(sealed, base, rootfs, oci, 0), startRunner(reference, base, rootfs, oci, 10_000_000)];
    report('create+start to exec', names, await measure(starts, runs));
    const execs = [
      await execRunner(sealed, base, rootfs, oci, 20_000_000),
      await execRunner(reference, base, rootfs, oci, 20_000_001),
    ];
    try {
      report(
        'ExecSync of `true` to its exit',
        names,
        await measure(
          execs.map((e) => e.runner),
          runs,
        ),
      );
    } finally {
      for (const e of execs) await e.stop();
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
