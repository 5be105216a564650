// cgroup driver costs on this host: create + apply + remove of a container cgroup, one stats
// sample, kill-all of a small process tree; and the boot-to-exit time of the pure-v2 test guest.
// usage: node dist/bench/cgroups.js [--runs N] [--vm]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CgroupHandle } from '../runtime/cgroups/contract';
import { pollUntil } from '../runtime/cgroups/fs_util';
import { createCgroupManager } from '../runtime/cgroups/manager';
import { percentile } from './stats';

const MiB = 1024 * 1024;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function report(name: string, ms: number[]): void {
  console.log(
    `${name.padEnd(34)} p50 ${percentile(ms, 50).toFixed(2)} ms  p90 ${percentile(ms, 90).toFixed(2)} ms  (n=${ms.length})`,
  );
}

/** A shell that joins the cgroup, then forks `width` sleepers. */
async function startTree(cg: CgroupHandle, width: number): Promise<void> {
  const script = `for f; do echo $$ > "$f"; done; for i in $(seq ${width}); do sleep 1000 & done; wait`;
  spawn('/bin/sh', ['-c', script, 'sh', ...cg.procsFiles()], { stdio: 'ignore' });
  await pollUntil(async () => (await cg.pids()).length > width, 10_000, 2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '50' }, vm: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  const manager = createCgroupManager();
  const parent = `/corral-bench-${randomBytes(4).toString('hex')}`;
  console.log(`cgroup mode ${manager.mode}, driver ${manager.driver}`);
  const lifecycle: number[] = [];
  const stats: number[] = [];
  const kill: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      lifecycle.push(
        await timed(async () => {
          const cg = await manager.create(`${parent}/c${i}`);
          await cg.apply({
            cpuPeriod: 100_000,
            cpuQuota: 50_000,
            cpuShares: 512,
            memoryLimitBytes: 64 * MiB,
            pidsLimit: 100,
          });
          await cg.remove();
        }),
      );
    }
    const cg = await manager.create(`${parent}/stats`);
    for (let i = 0; i < runs; i++) stats.push(await timed(() => cg.stats()));
    for (let i = 0; i < Math.min(runs, 20); i++) {
      const tree = await manager.create(`${parent}/tree${i}`);
      await startTree(tree, 10);
      kill.push(await timed(() => tree.killAll()));
      await tree.remove();
    }
  } finally {
    await manager.open(parent).remove({ killRemaining: true });
  }
  report('create + apply(5 fields) + remove', lifecycle);
  report('stats() sample', stats);
  report('killAll of 11 processes', kill);
  if (values.vm) {
    const script = path.resolve(__dirname, '../../conformance/vm/cgroup2-vm.sh');
    const boots: number[] = [];
    for (let i = 0; i < 3; i++)
      boots.push(await timed(async () => spawnSync(script, ['--', 'true'], { stdio: 'ignore' })));
    report('pure-v2 guest: boot, run true, exit', boots);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
