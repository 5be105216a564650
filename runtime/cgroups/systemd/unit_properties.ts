// CgroupResources as systemd unit properties (the limits systemd itself knows and re-applies on
// daemon-reload), per layout as runc's systemd driver maps them. Whatever has no property here
// (hugetlb, unified keys, v1 swap, v1 cpuset) is written to cgroupfs after the unit is set.
import { cpuSharesToWeight } from '../cpu_weight';
import { parseCpuList } from '../cpu_list';
import type { CgroupResources } from '../resources';

/**
 * A D-Bus variant, made into dbus-next's own when sent (systemd_bus.ts), so building unit
 * properties does not load dbus-next: a node on the cgroupfs driver never does.
 */
export class Variant<T = unknown> {
  constructor(
    readonly signature: string,
    readonly value: T,
  ) {}
}

export type UnitProperty = [string, Variant];

/** systemd's "infinity" for 64-bit limits. */
export const INFINITY = 0xffff_ffff_ffff_ffffn;
const USEC_PER_SEC = 1_000_000;

export function resourceProperties(r: CgroupResources, layout: 'v1' | 'v2'): UnitProperty[] {
  const props: UnitProperty[] = [];
  const u64 = (name: string, value: bigint | number) => props.push([name, new Variant('t', BigInt(value))]);
  if (r.cpuShares !== undefined) {
    if (layout === 'v2') u64('CPUWeight', cpuSharesToWeight(r.cpuShares));
    else u64('CPUShares', r.cpuShares);
  }
  if (r.cpuPeriod !== undefined) u64('CPUQuotaPeriodUSec', r.cpuPeriod);
  if (r.cpuQuota !== undefined) u64('CPUQuotaPerSecUSec', quotaPerSecond(r.cpuQuota, r.cpuPeriod ?? 100_000));
  if (r.memoryLimitBytes !== undefined) {
    const limit = r.memoryLimitBytes > 0 ? BigInt(r.memoryLimitBytes) : INFINITY;
    u64(layout === 'v2' ? 'MemoryMax' : 'MemoryLimit', limit);
  }
  if (layout === 'v2' && r.memorySwapLimitBytes !== undefined && r.memoryLimitBytes !== undefined) {
    const swap =
      r.memorySwapLimitBytes === -1 ? INFINITY : BigInt(Math.max(0, r.memorySwapLimitBytes - r.memoryLimitBytes));
    u64('MemorySwapMax', swap);
  }
  if (r.pidsLimit !== undefined) u64('TasksMax', r.pidsLimit > 0 ? BigInt(r.pidsLimit) : INFINITY);
  if (layout === 'v2' && r.cpusetCpus) props.push(['AllowedCPUs', new Variant('ay', cpuMask(r.cpusetCpus))]);
  if (layout === 'v2' && r.cpusetMems) props.push(['AllowedMemoryNodes', new Variant('ay', cpuMask(r.cpusetMems))]);
  return props;
}

/**
 * CFS quota per period as systemd's quota per second; systemd only keeps whole 10 ms steps, so
 * it is rounded up as runc does (the exact quota is then written to cgroupfs).
 */
function quotaPerSecond(quota: number, period: number): bigint {
  if (quota <= 0) return INFINITY;
  const perSecond = Math.ceil((quota * USEC_PER_SEC) / period);
  return BigInt(Math.ceil(perSecond / 10_000) * 10_000);
}

/** "0-2,5" as the little-endian bitmask systemd's AllowedCPUs takes. */
export function cpuMask(list: string): Buffer {
  const ids = parseCpuList(list, 'cpus');
  const mask = Buffer.alloc(Math.floor(Math.max(0, ...ids) / 8) + 1);
  for (const id of ids) mask[id >> 3] |= 1 << (id & 7);
  return mask;
}
