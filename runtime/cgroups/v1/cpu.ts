// v1 cpu: CFS bandwidth (cfs_period_us, cfs_quota_us) and cpu.shares.
import path from 'node:path';
import { readFlatKeyed, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V1Controller } from './controller';

export const cpuV1: V1Controller = {
  subsystem: 'cpu',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    if (r.cpuShares !== undefined) await writeValue(path.join(dir, 'cpu.shares'), String(r.cpuShares), 'cpu_shares');
    if (r.cpuPeriod !== undefined)
      await writeValue(path.join(dir, 'cpu.cfs_period_us'), String(r.cpuPeriod), 'cpu_period');
    if (r.cpuQuota !== undefined) await writeValue(path.join(dir, 'cpu.cfs_quota_us'), String(r.cpuQuota), 'cpu_quota');
  },
};

export async function cpuThrottlingV1(
  dir: string,
): Promise<{ periods: number; throttledPeriods: number; throttledNs: bigint }> {
  const stat = await readFlatKeyed(path.join(dir, 'cpu.stat'));
  return {
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledNs: BigInt(stat.get('throttled_time') ?? 0),
  };
}
