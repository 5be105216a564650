// v2 memory: memory.max, memory.swap.max (swap alone, where CRI gives memory plus swap),
// stats, and the oom_kill count of memory.events.
import path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { exists, readFlatKeyed, readNumber, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import { memoryStatsFrom, type CgroupStats } from '../stats';
import type { V2Controller } from './controller';

export const memoryV2: V2Controller = {
  name: 'memory',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    if (r.memoryLimitBytes !== undefined)
      await writeValue(path.join(dir, 'memory.max'), String(r.memoryLimitBytes), 'memory_limit_in_bytes');
    if (r.memorySwapLimitBytes === undefined) return;
    const swapFile = path.join(dir, 'memory.swap.max');
    const swap = await swapOnly(dir, r);
    if (!(await exists(swapFile))) {
      if (swap === '0' || swap === 'max') return; // no swap accounting: nothing to limit
      throw new InvalidArgumentError(
        'memory_swap_limit_in_bytes: this kernel has no swap accounting (memory.swap.max)',
      );
    }
    await writeValue(swapFile, swap, 'memory_swap_limit_in_bytes');
  },
};

/** CRI's memory+swap figure turned into v2's swap-only one. */
async function swapOnly(dir: string, r: CgroupResources): Promise<string> {
  if (r.memorySwapLimitBytes === -1) return 'max';
  const memory = r.memoryLimitBytes ?? (await readNumber(path.join(dir, 'memory.max')));
  if (memory === undefined)
    throw new InvalidArgumentError('memory_swap_limit_in_bytes: needs a memory limit to be set as well');
  return String(Math.max(0, r.memorySwapLimitBytes! - memory));
}

export async function memoryStatsV2(dir: string): Promise<CgroupStats['memory']> {
  const stat = await readFlatKeyed(path.join(dir, 'memory.stat'));
  const usage = (await readNumber(path.join(dir, 'memory.current'))) ?? 0;
  const limit = await readNumber(path.join(dir, 'memory.max'));
  return memoryStatsFrom({
    usage,
    limit,
    inactiveFile: stat.get('inactive_file') ?? 0,
    rss: stat.get('anon') ?? 0,
    cache: stat.get('file') ?? 0,
    swap: await readNumber(path.join(dir, 'memory.swap.current')),
    limitHits: (await readFlatKeyed(path.join(dir, 'memory.events'))).get('max') ?? 0,
    pageFaults: stat.get('pgfault') ?? 0,
    majorPageFaults: stat.get('pgmajfault') ?? 0,
  });
}

/** memory.events' oom_kill (this cgroup and its descendants); not "oom", which counts limit hits. */
export async function oomKillCountV2(dir: string): Promise<number> {
  return (await readFlatKeyed(path.join(dir, 'memory.events'))).get('oom_kill') ?? 0;
}
