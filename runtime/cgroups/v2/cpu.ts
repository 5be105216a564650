// v2 cpu: cpu.weight (converted from shares) and cpu.max ("quota period", "max" = unlimited).
import path from 'node:path';
import { cpuSharesToWeight } from '../cpu_weight';
import { readFlatKeyed, readText, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { CgroupStats } from '../stats';
import type { V2Controller } from './controller';

export const cpuV2: V2Controller = {
  name: 'cpu',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    if (r.cpuShares !== undefined)
      await writeValue(path.join(dir, 'cpu.weight'), String(cpuSharesToWeight(r.cpuShares)), 'cpu_shares');
    if (r.cpuQuota === undefined && r.cpuPeriod === undefined) return;
    // cpu.max holds both numbers; keep the one not being changed.
    const [curQuota, curPeriod] = (await readText(path.join(dir, 'cpu.max'))).trim().split(/\s+/);
    const quota = r.cpuQuota === undefined ? curQuota : r.cpuQuota === -1 ? 'max' : String(r.cpuQuota);
    const period = r.cpuPeriod === undefined ? curPeriod : String(r.cpuPeriod);
    await writeValue(
      path.join(dir, 'cpu.max'),
      `${quota} ${period}`,
      r.cpuQuota !== undefined ? 'cpu_quota' : 'cpu_period',
    );
  },
};

export async function cpuStatsV2(dir: string): Promise<CgroupStats['cpu']> {
  const stat = await readFlatKeyed(path.join(dir, 'cpu.stat'));
  return {
    usageNs: BigInt(stat.get('usage_usec') ?? 0) * 1000n,
    userNs: BigInt(stat.get('user_usec') ?? 0) * 1000n,
    systemNs: BigInt(stat.get('system_usec') ?? 0) * 1000n,
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledNs: BigInt(stat.get('throttled_usec') ?? 0) * 1000n,
  };
}
