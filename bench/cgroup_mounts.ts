// What showing a container its cgroups at /sys/fs/cgroup costs create+start (until the command has
// been exec-ed), at the process layer: this build with the host's cgroup view, side by side in one
// interleaved run with this build without it and with a previous build (its dist directory).
// usage: bash bench/setup-bench.sh; node dist/bench/cgroup_mounts.js --vs-build /path/to/old/dist [--runs 200]
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { containerCgroupView } from '../runtime/cgroups/container_view';
import { detectHost } from '../runtime/cgroups/host';
import type { ContainerSpec, ProcessRuntime } from '../runtime/process/contract';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import {
  corralSpec,
  timedCreateStart,
  measure,
  report,
  withBenchRoot,
  type OciConfig,
  type Runner,
} from './process_bench_setup';

function runner(
  runtime: ProcessRuntime,
  base: string,
  rootfs: string,
  oci: OciConfig,
  tag: string,
  view?: ContainerSpec['cgroupfs'],
): Runner {
  return async (i) => {
    const spec = corralSpec(path.join(base, tag), i, rootfs, oci);
    if (view) spec.cgroupfs = view;
    await fs.mkdir(path.dirname(spec.bundleDir), { recursive: true });
    return timedCreateStart(runtime, spec);
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '200' }, 'vs-build': { type: 'string' } },
  });
  if (!values['vs-build']) throw new Error('--vs-build <dist directory of the previous build> is required');
  const oldModule = path.resolve(values['vs-build'], 'runtime', 'process', 'process_runtime.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- another build's module, chosen at run time
  const Old = (require(oldModule) as { NativeProcessRuntime: new () => ProcessRuntime }).NativeProcessRuntime;
  const view = containerCgroupView(detectHost());
  await withBenchRoot(['true'], async (base, rootfs, oci) => {
    const runners = [
      runner(new NativeProcessRuntime(), base, rootfs, oci, 'with', view),
      runner(new NativeProcessRuntime(), base, rootfs, oci, 'without'),
      runner(new Old(), base, rootfs, oci, 'old'),
    ];
    const times = await measure(runners, Number(values.runs));
    report(
      `create+start with /sys/fs/cgroup (${view.kind}) vs without and vs ${values['vs-build']}`,
      ['with', 'without', 'previous'],
      times,
    );
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
