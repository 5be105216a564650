// One sample of a cgroup's usage, read from the same drivers on v1 and v2, and the rate
// between two samples that CRI calls usage_nano_cores.

export interface CgroupStats {
  /** Wall clock of the sample, ns since the epoch. */
  timestampNs: bigint;
  cpu: {
    /** Cumulative CPU time of every process in it, ns. */
    usageNs: bigint;
    /** Of usageNs, the time spent in user and in kernel mode (ns); 0 where the kernel does not say. */
    userNs: bigint;
    systemNs: bigint;
    /** CFS periods seen, periods throttled, time throttled (ns). */
    periods: number;
    throttledPeriods: number;
    throttledNs: bigint;
  };
  memory: {
    usageBytes: number;
    /** usage minus inactive file cache: what kubelet evicts on. */
    workingSetBytes: number;
    rssBytes: number;
    /** Page cache charged to it. */
    cacheBytes: number;
    /** Swap in use, where the kernel accounts it. */
    swapBytes?: number;
    /** How often usage hit the limit (v1 memory.failcnt, v2 memory.events max). */
    limitHits: number;
    pageFaults: number;
    majorPageFaults: number;
    /** The limit, when one is set. */
    limitBytes?: number;
    /** limit minus working set, when a limit is set. */
    availableBytes?: number;
  };
  pids: { current: number; limit?: number };
}

/** CPU use between two samples of the same cgroup, in billionths of a core. */
export function usageNanoCores(
  earlier: Pick<CgroupStats, 'timestampNs' | 'cpu'>,
  later: Pick<CgroupStats, 'timestampNs' | 'cpu'>,
): number {
  const elapsed = later.timestampNs - earlier.timestampNs;
  const used = later.cpu.usageNs - earlier.cpu.usageNs;
  if (elapsed <= 0n || used < 0n) return 0;
  return Number((used * 1_000_000_000n) / elapsed);
}

/** Wall clock in ns, with sub-ms resolution (performance.now is monotonic within the process). */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

export interface RawMemory {
  usage: number;
  /** undefined when unlimited. */
  limit?: number;
  inactiveFile: number;
  rss: number;
  cache: number;
  swap?: number;
  limitHits: number;
  pageFaults: number;
  majorPageFaults: number;
}

/** Derives working set (usage minus inactive file, as kubelet defines it) and available bytes. */
export function memoryStatsFrom(raw: RawMemory): CgroupStats['memory'] {
  const workingSetBytes = Math.max(0, raw.usage - raw.inactiveFile);
  return {
    usageBytes: raw.usage,
    workingSetBytes,
    rssBytes: raw.rss,
    cacheBytes: raw.cache,
    swapBytes: raw.swap,
    limitHits: raw.limitHits,
    pageFaults: raw.pageFaults,
    majorPageFaults: raw.majorPageFaults,
    limitBytes: raw.limit,
    availableBytes: raw.limit === undefined ? undefined : Math.max(0, raw.limit - workingSetBytes),
  };
}
