// The resources corral applies to a cgroup: CRI's LinuxContainerResources in domain terms
// (numbers, not wire strings). undefined means "leave as is"; CRI's 0 means unset and is
// mapped to undefined by the server layer's converter.

export interface HugepageLimit {
  /** Page size as CRI and the kernel name it: "2MB", "1GB". */
  pageSize: string;
  limitBytes: number;
}

/** One devices-controller rule, as the OCI spec spells it. */
export interface DeviceRule {
  allow: boolean;
  /** "a" (all), "c" (char) or "b" (block). */
  type: 'a' | 'c' | 'b';
  /** undefined means any ("*"). */
  major?: number;
  minor?: number;
  /** Some of "rwm". */
  access: string;
}

export interface CgroupResources {
  /** CFS period in µs (1000..1000000). */
  cpuPeriod?: number;
  /** CFS quota in µs per period; -1 means unlimited. */
  cpuQuota?: number;
  /** v1 cpu.shares (2..262144); on v2 converted to cpu.weight. */
  cpuShares?: number;
  memoryLimitBytes?: number;
  /** Memory plus swap (v1 memsw semantics); -1 means unlimited. */
  memorySwapLimitBytes?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  hugepageLimits?: HugepageLimit[];
  /** Raw cgroup v2 files and values; rejected on v1. */
  unified?: Record<string, string>;
  /** pids.max; -1 or 0 means unlimited. */
  pidsLimit?: number;
  /** Device rules applied in order after denying everything (see devices_default.ts). */
  devices?: DeviceRule[];
}

/** Whether there is anything to write. */
export function isEmptyResources(r: CgroupResources): boolean {
  return Object.values(r).every((v) => v === undefined);
}
