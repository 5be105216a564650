// ExecSync latency (`true` in a running container, to its exit) of corral's process layer, side by
// side with `runc exec` into the same kind of container on the same rootfs.
// usage: bash bench/setup-bench.sh; node dist/bench/process_exec.js [--runs N]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import { corralSpec, measure, report, run, withBenchRoot } from './process_bench_setup';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
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
      const times = await measure(
        [
          () => timed(() => runtime.execSync(spec.bundleDir, probe, 0)),
          () => timed(() => run('runc', ['exec', runcId, 'true'])),
        ],
        Number(values.runs),
      );
      report('exec of `true` to its exit', ['corral', 'runc'], times);
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
