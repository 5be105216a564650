// Checks resources before anything is written, so bad input leaves the cgroup unchanged and the
// error names the CRI field.
import { InvalidArgumentError } from '../errors';
import { parseCpuList } from './cpu_list';
import type { NodeFacts } from './host_facts';
import type { CgroupResources } from './resources';

/** The least memory a container may be given; below it the init is OOM-killed before it runs. */
export const MIN_MEMORY_LIMIT_BYTES = 6 * 1024 * 1024;
export const MIN_CPU_QUOTA_US = 1000;
export const MIN_CPU_PERIOD_US = 1000;
export const MAX_CPU_PERIOD_US = 1_000_000;
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262_144;

export function validateResources(r: CgroupResources, driver: 'v1' | 'v2', facts: NodeFacts): void {
  validateCpu(r);
  validateMemory(r);
  validateCpuset(r.cpusetCpus, facts.cpus, 'cpuset_cpus', 'CPU');
  validateCpuset(r.cpusetMems, facts.mems, 'cpuset_mems', 'memory node');
  for (const limit of r.hugepageLimits ?? []) {
    if (!/^\d+[KMG]B$/.test(limit.pageSize))
      fail('hugepage_limits.page_size', `${JSON.stringify(limit.pageSize)} is not a size like "2MB"`);
    if (!facts.hugepageSizes.has(limit.pageSize))
      fail('hugepage_limits.page_size', `this node has no ${limit.pageSize} huge pages`);
    checkInteger(limit.limitBytes, 'hugepage_limits.limit', 0);
  }
  if (r.pidsLimit !== undefined) checkInteger(r.pidsLimit, 'pids_limit', -1);
  validateUnified(r.unified, driver);
  for (const rule of r.devices ?? []) {
    if (!/^[rwm]+$/.test(rule.access)) fail('devices.access', `${JSON.stringify(rule.access)} is not some of "rwm"`);
  }
}

function validateCpu(r: CgroupResources): void {
  if (r.cpuPeriod !== undefined) {
    checkInteger(r.cpuPeriod, 'cpu_period', 0);
    if (r.cpuPeriod < MIN_CPU_PERIOD_US || r.cpuPeriod > MAX_CPU_PERIOD_US) {
      fail('cpu_period', `${r.cpuPeriod} µs is outside ${MIN_CPU_PERIOD_US}..${MAX_CPU_PERIOD_US}`);
    }
  }
  if (r.cpuQuota !== undefined && r.cpuQuota !== -1) {
    checkInteger(r.cpuQuota, 'cpu_quota', 0);
    if (r.cpuQuota < MIN_CPU_QUOTA_US)
      fail('cpu_quota', `${r.cpuQuota} µs is below the kernel's minimum ${MIN_CPU_QUOTA_US} µs (-1 means unlimited)`);
  }
  if (r.cpuShares !== undefined) {
    checkInteger(r.cpuShares, 'cpu_shares', 0);
    if (r.cpuShares < MIN_CPU_SHARES || r.cpuShares > MAX_CPU_SHARES)
      fail('cpu_shares', `${r.cpuShares} is outside ${MIN_CPU_SHARES}..${MAX_CPU_SHARES}`);
  }
}

function validateMemory(r: CgroupResources): void {
  if (r.memoryLimitBytes !== undefined) {
    checkInteger(r.memoryLimitBytes, 'memory_limit_in_bytes', 0);
    if (r.memoryLimitBytes < MIN_MEMORY_LIMIT_BYTES) {
      fail('memory_limit_in_bytes', `${r.memoryLimitBytes} bytes is below the minimum ${MIN_MEMORY_LIMIT_BYTES}`);
    }
  }
  if (r.memorySwapLimitBytes !== undefined && r.memorySwapLimitBytes !== -1) {
    checkInteger(r.memorySwapLimitBytes, 'memory_swap_limit_in_bytes', 0);
    if (r.memoryLimitBytes !== undefined && r.memorySwapLimitBytes < r.memoryLimitBytes) {
      fail(
        'memory_swap_limit_in_bytes',
        `${r.memorySwapLimitBytes} is below memory_limit_in_bytes ${r.memoryLimitBytes} (it counts memory plus swap)`,
      );
    }
  }
}

function validateCpuset(list: string | undefined, online: Set<number>, field: string, what: string): void {
  if (list === undefined || list.trim() === '') return;
  for (const n of parseCpuList(list, field)) {
    if (!online.has(n)) fail(field, `this node has no ${what} ${n} (online: ${[...online].join(',')})`);
  }
}

function validateUnified(unified: Record<string, string> | undefined, driver: 'v1' | 'v2'): void {
  const keys = Object.keys(unified ?? {});
  if (keys.length === 0) return;
  if (driver === 'v1') fail('unified', 'raw cgroup v2 keys cannot be applied on a cgroup v1 host');
  for (const key of keys) {
    if (!/^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/.test(key) || key.startsWith('cgroup.')) {
      fail('unified', `${JSON.stringify(key)} is not a cgroup v2 resource file name`);
    }
    if (/[\n\0]/.test(unified![key])) fail('unified', `value for ${key} contains a newline or NUL`);
  }
}

function checkInteger(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) fail(field, `${value} is not a valid value`);
}

function fail(field: string, why: string): never {
  throw new InvalidArgumentError(`${field}: ${why}`);
}
