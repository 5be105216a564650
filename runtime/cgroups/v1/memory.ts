// v1 memory: limit, memory+swap limit (memsw), stats and the OOM kill counter.
import path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { exists, readFlatKeyed, readNumber, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import { memoryStatsFrom, type CgroupStats } from '../stats';
import type { V1Controller } from './controller';

/** v1 reports "no limit" as a huge page-aligned number. */
const UNLIMITED_FROM = 2 ** 62;

export const memoryV1: V1Controller = {
  subsystem: 'memory',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    const memFile = path.join(dir, 'memory.limit_in_bytes');
    const swapFile = path.join(dir, 'memory.memsw.limit_in_bytes');
    const swap = r.memorySwapLimitBytes;
    if (swap !== undefined && !(await exists(swapFile))) {
      if (swap !== -1 && swap !== r.memoryLimitBytes) {
        throw new InvalidArgumentError('memory_swap_limit_in_bytes: this kernel has no swap accounting (memory.memsw)');
      }
      if (r.memoryLimitBytes !== undefined)
        await writeValue(memFile, String(r.memoryLimitBytes), 'memory_limit_in_bytes');
      return;
    }
    await writeMemoryAndSwap(memFile, swapFile, r.memoryLimitBytes, swap);
  },
};

/**
 * memsw must stay >= memory at every moment, so the order depends on the direction: raise memsw
 * first when growing, lower memory first when shrinking (the kernel says EINVAL otherwise).
 */
async function writeMemoryAndSwap(memFile: string, swapFile: string, memory?: number, swap?: number): Promise<void> {
  const writeMem = () =>
    memory === undefined ? Promise.resolve() : writeValue(memFile, String(memory), 'memory_limit_in_bytes');
  const writeSwap = () =>
    swap === undefined ? Promise.resolve() : writeValue(swapFile, String(swap), 'memory_swap_limit_in_bytes');
  const currentSwap = swap === undefined ? undefined : await readNumber(swapFile);
  const growing = swap === -1 || (currentSwap !== undefined && swap !== undefined && swap > currentSwap);
  if (growing) {
    await writeSwap();
    await writeMem();
  } else {
    await writeMem();
    await writeSwap();
  }
}

export async function memoryStatsV1(dir: string): Promise<CgroupStats['memory']> {
  const stat = await readFlatKeyed(path.join(dir, 'memory.stat'));
  const usage = (await readNumber(path.join(dir, 'memory.usage_in_bytes'))) ?? 0;
  const limit = await readNumber(path.join(dir, 'memory.limit_in_bytes'));
  const withSwap = await readNumber(path.join(dir, 'memory.memsw.usage_in_bytes'));
  return memoryStatsFrom({
    usage,
    limit: limit !== undefined && limit < UNLIMITED_FROM ? limit : undefined,
    inactiveFile: stat.get('total_inactive_file') ?? 0,
    rss: stat.get('total_rss') ?? 0,
    cache: stat.get('total_cache') ?? 0,
    swap: withSwap === undefined ? undefined : Math.max(0, withSwap - usage),
    limitHits: (await readNumber(path.join(dir, 'memory.failcnt'))) ?? 0,
    pageFaults: stat.get('total_pgfault') ?? 0,
    majorPageFaults: stat.get('total_pgmajfault') ?? 0,
  });
}

/** The oom_kill counter of memory.oom_control (kernels >= 4.13); failcnt counts limit hits, not kills. */
export async function oomKillCountV1(dir: string): Promise<number> {
  return (await readFlatKeyed(path.join(dir, 'memory.oom_control'))).get('oom_kill') ?? 0;
}
