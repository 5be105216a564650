// An in-memory CgroupManager that remembers which cgroups exist and which were killed.
import type { CgroupHandle, CgroupManager, CgroupMode, ControllerInfo } from '../cgroups/contract';
import type { CgroupStats } from '../cgroups/stats';
import { cgroupfsPaths } from '../cgroups/cgroupfs_paths';

const EMPTY_STATS: CgroupStats = {
  timestampNs: 0n,
  cpu: { usageNs: 0n, userNs: 0n, systemNs: 0n, periods: 0, throttledPeriods: 0, throttledNs: 0n },
  memory: {
    usageBytes: 0,
    workingSetBytes: 0,
    rssBytes: 0,
    cacheBytes: 0,
    limitHits: 0,
    pageFaults: 0,
    majorPageFaults: 0,
  },
  pids: { current: 0 },
};

export class FakeCgroupManager implements CgroupManager {
  readonly mode: CgroupMode = 'v1';
  readonly driver = 'v1' as const;
  readonly cgroupDriver = cgroupfsPaths.cgroupDriver;
  readonly podCgroupPath = cgroupfsPaths.podCgroupPath;
  readonly containerCgroupPath = cgroupfsPaths.containerCgroupPath;
  readonly infraCgroupPath = cgroupfsPaths.infraCgroupPath;
  readonly existing = new Set<string>();
  readonly killed: string[] = [];
  /** When set, every apply() rejects with it (a limit the kernel refuses). */
  failApply?: Error;

  async create(path: string): Promise<CgroupHandle> {
    this.existing.add(path);
    return this.open(path);
  }

  open(path: string): CgroupHandle {
    return {
      path,
      procsFiles: () => [`/fake/cgroup${path}/cgroup.procs`],
      pids: async () => [],
      killAll: async () => {
        this.killed.push(path);
      },
      remove: async () => {
        this.existing.delete(path);
      },
      apply: async () => {
        if (this.failApply) throw this.failApply;
      },
      freeze: async () => undefined,
      thaw: async () => undefined,
      stats: async () => EMPTY_STATS,
      oomKillCount: async () => 0,
      oomKilled: async () => false,
    };
  }

  validate(): void {
    /* everything is valid in the fake */
  }

  controllers(): ControllerInfo[] {
    return [];
  }
}
