// A pod's cgroup limits from the sandbox config: the sum of its containers' resources plus the
// runtime-class overhead. Only additive limits are summed; an unlimited side keeps it unlimited.
import type { CgroupResources } from './resources';

export function podResources(resources: CgroupResources, overhead: CgroupResources): CgroupResources {
  return {
    cpuPeriod: resources.cpuPeriod ?? overhead.cpuPeriod,
    cpuQuota: sumLimits(resources.cpuQuota, overhead.cpuQuota),
    cpuShares: sumLimits(resources.cpuShares, overhead.cpuShares),
    memoryLimitBytes: sumLimits(resources.memoryLimitBytes, overhead.memoryLimitBytes),
    memorySwapLimitBytes: sumLimits(resources.memorySwapLimitBytes, overhead.memorySwapLimitBytes),
    cpusetCpus: resources.cpusetCpus,
    cpusetMems: resources.cpusetMems,
    hugepageLimits: resources.hugepageLimits,
    unified: resources.unified,
  };
}

/** No container limit means no pod limit (overhead alone must not cap it); -1 stays unlimited. */
function sumLimits(containers: number | undefined, overhead: number | undefined): number | undefined {
  if (containers === undefined || containers === -1) return containers;
  return overhead === undefined || overhead === -1 ? containers : containers + overhead;
}
