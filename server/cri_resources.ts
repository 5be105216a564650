// CRI LinuxContainerResources <-> corral's CgroupResources. CRI's 0 means "not set" for every
// number, so it becomes undefined (leave the cgroup as is); int64s arrive as decimal strings.
// oom_score_adj is per process, not a cgroup setting: the process layer applies it.
import type {
  LinuxContainerResources,
  LinuxContainerResources__Output,
} from '../proto/generated/runtime/v1/LinuxContainerResources';
import type { CgroupResources } from '../runtime/cgroups/resources';
import { InvalidArgumentError } from '../runtime/errors';

export function resourcesFromCri(r: LinuxContainerResources__Output | null | undefined): CgroupResources {
  if (!r) return {};
  const out: CgroupResources = {
    cpuPeriod: setNumber(r.cpu_period, 'cpu_period'),
    cpuQuota: setNumber(r.cpu_quota, 'cpu_quota'),
    cpuShares: setNumber(r.cpu_shares, 'cpu_shares'),
    memoryLimitBytes: setNumber(r.memory_limit_in_bytes, 'memory_limit_in_bytes'),
    memorySwapLimitBytes: setNumber(r.memory_swap_limit_in_bytes, 'memory_swap_limit_in_bytes'),
    cpusetCpus: r.cpuset_cpus || undefined,
    cpusetMems: r.cpuset_mems || undefined,
  };
  // As containerd: a memory limit without a swap limit allows no swap (memory+swap = memory).
  if (out.memoryLimitBytes !== undefined && out.memorySwapLimitBytes === undefined)
    out.memorySwapLimitBytes = out.memoryLimitBytes;
  if (r.hugepage_limits?.length) {
    out.hugepageLimits = r.hugepage_limits.map((h) => ({
      pageSize: h.page_size,
      limitBytes: toNumber(h.limit, 'hugepage_limits.limit'),
    }));
  }
  if (r.unified && Object.keys(r.unified).length > 0) out.unified = { ...r.unified };
  return out;
}

/** What ContainerStatus.resources reports: the values last applied, unset ones as 0. */
export function resourcesToCri(r: CgroupResources, oomScoreAdj = 0): LinuxContainerResources {
  return {
    cpu_period: String(r.cpuPeriod ?? 0),
    cpu_quota: String(r.cpuQuota ?? 0),
    cpu_shares: String(r.cpuShares ?? 0),
    memory_limit_in_bytes: String(r.memoryLimitBytes ?? 0),
    memory_swap_limit_in_bytes: String(r.memorySwapLimitBytes ?? 0),
    oom_score_adj: String(oomScoreAdj),
    cpuset_cpus: r.cpusetCpus ?? '',
    cpuset_mems: r.cpusetMems ?? '',
    hugepage_limits: (r.hugepageLimits ?? []).map((h) => ({ page_size: h.pageSize, limit: String(h.limitBytes) })),
    unified: { ...(r.unified ?? {}) },
  };
}

function setNumber(text: string | undefined, field: string): number | undefined {
  const n = toNumber(text ?? '0', field);
  return n === 0 ? undefined : n;
}

function toNumber(text: string, field: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${field}: ${text} is out of range`);
  return n;
}
