// ExecSync latency (`true` in a running container, to its exit) of corral's process layer, side by
// side with `runc exec` into the same kind of container on the same rootfs, and with another
// build's process layer (`--reference <its dist>`) on the same container. `--heap-mib` grows this
// process to corrald's size first: a spawn that forks the caller costs with its size.
// usage: bash bench/setup-bench.sh; node dist/bench/process_exec.js [--runs N] [--reference DIST] [--heap-mib N]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import type { ProcessRuntime } from '../runtime/process/contract';
import { corralSpec, measure, report, run, withBenchRoot } from './process_bench_setup';

type RuntimeModule = { NativeProcessRuntime: new () => ProcessRuntime };

/** Live objects of about `mib` MiB, as corrald's heap and caches hold (70-90 MiB RSS in all). */
function heapBallast(mib: number): unknown[] {
  const objects: unknown[] = [];
  for (let i = 0; i < mib * 8192; i++) objects.push({ index: i, text: `entry ${i}` });
  return objects;
}

/** The process layer of another build (its dist directory), for the same container. */
async function referenceRuntime(dist: string): Promise<ProcessRuntime> {
  const module = (await import(path.resolve(dist, 'runtime/process/process_runtime.js'))) as RuntimeModule;
  return new module.NativeProcessRuntime();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      reference: { type: 'string' },
      'heap-mib': { type: 'string', default: '40' },
    },
  });
  const ballast = heapBallast(Number(values['heap-mib']));
  const reference = values.reference ? await referenceRuntime(values.reference) : undefined;
  await withBenchRoot(['sleep', '1000'], async (base, rootfs, oci) => {
    const runtime = new NativeProcessRuntime();
    const spec = corralSpec(base, 0, rootfs, oci, ['sleep', '1000']);
    const runcId = `corral-bench-exec-${process.pid}`;
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    await run('runc', ['run', '--detach', '--bundle', path.join(base, 'oci'), runcId]);
    try {
      const probe = { ...spec.process, args: ['true'] };
      const timed = async (work: () => Promise<unknown>): Promise<number> => {
        const started = process.hrtime.bigint();
        await work();
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const runners = [
        () => timed(() => runtime.execSync(spec.bundleDir, probe, 0)),
        () => timed(() => run('runc', ['exec', runcId, 'true'])),
      ];
      if (reference) runners.push(() => timed(() => reference.execSync(spec.bundleDir, probe, 0)));
      const times = await measure(runners, Number(values.runs));
      const names = reference ? ['corral', 'runc', 'reference'] : ['corral', 'runc'];
      report(`exec of \`true\` to its exit (RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB)`, names, times);
      if (ballast.length < 0) console.log(ballast); // kept alive to here
    } finally {
      await runtime.signal(spec.bundleDir, 'SIGKILL');
      await runtime.waitExit(spec.bundleDir);
      await run('runc', ['delete', '-f', runcId]);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
