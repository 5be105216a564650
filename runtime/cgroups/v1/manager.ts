// The v1 driver (v1 and hybrid hosts): a cgroup is one directory per mounted controller
// hierarchy. Where corrald itself sits below a hierarchy's root and that hierarchy is listed in
// `nestUnder`, cgroups go below corrald's own cgroup there (this machine's memory hierarchy
// confines corrald to a sub-tree, and containers must stay inside its accounting).
import type { CgroupHandle, CgroupManager, ControllerInfo } from '../contract';
import { cgroupDir, mkdirLevels, normalizeCgroupPath } from '../cgroup_path';
import type { HostCgroups } from '../host';
import { cgroupfsPaths } from '../cgroupfs_paths';
import { MigrationWarmup } from '../migration_warmup';
import { nodeFacts } from '../host_facts';
import type { CgroupResources } from '../resources';
import { validateResources } from '../validate';
import { inheritCpusetV1 } from './cpuset';
import { V1CgroupHandle } from './handle';

export interface V1Options {
  /** Controllers whose cgroups nest under corrald's own cgroup (default ["memory"]). */
  nestUnder?: string[];
}

const REPORTED = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'hugetlb', 'devices', 'freezer', 'blkio'];

export class V1CgroupManager implements CgroupManager {
  readonly driver = 'v1' as const;
  readonly cgroupDriver = cgroupfsPaths.cgroupDriver;
  readonly podCgroupPath = cgroupfsPaths.podCgroupPath;
  readonly containerCgroupPath = cgroupfsPaths.containerCgroupPath;
  readonly infraCgroupPath = cgroupfsPaths.infraCgroupPath;
  private readonly nestUnder: Set<string>;
  private readonly warmup: MigrationWarmup;

  constructor(
    private readonly host: HostCgroups,
    options: V1Options = {},
  ) {
    this.nestUnder = new Set(options.nestUnder ?? ['memory']);
    this.warmup = new MigrationWarmup(host);
  }

  warmMigration(): void {
    void this.warmup.warm();
  }

  get mode() {
    return this.host.mode;
  }

  async create(cgroupPath: string): Promise<CgroupHandle> {
    const handle = this.handleFor(cgroupPath);
    // The hierarchies are independent: their directories are made side by side.
    await Promise.all(
      [...this.hierarchies()].map(([controller, hierarchy]) => {
        const prepare = hierarchy.controllers.includes('cpuset') ? inheritCpusetV1 : undefined;
        return mkdirLevels(hierarchy.mountPoint, this.dirFor(controller, handle.path), prepare);
      }),
    );
    return handle;
  }

  open(cgroupPath: string): CgroupHandle {
    return this.handleFor(cgroupPath);
  }

  validate(resources: CgroupResources): void {
    validateResources(resources, 'v1', nodeFacts());
  }

  controllers(): ControllerInfo[] {
    return REPORTED.map((name) => {
      const hierarchy = this.host.v1.get(name);
      return { name, available: !!hierarchy, where: hierarchy?.mountPoint };
    });
  }

  private handleFor(cgroupPath: string): V1CgroupHandle {
    const normalized = normalizeCgroupPath(cgroupPath);
    const dirs = new Map<string, string>();
    for (const controller of this.host.v1.keys()) dirs.set(controller, this.dirFor(controller, normalized));
    return new V1CgroupHandle(normalized, dirs, (r) => this.validate(r));
  }

  /** One entry per distinct hierarchy, keyed by its first controller. */
  private hierarchies() {
    const seen = new Set<string>();
    return [...this.host.v1.entries()].filter(
      ([, h]) => !seen.has(h.mountPoint) && seen.add(h.mountPoint) !== undefined,
    );
  }

  private dirFor(controller: string, normalized: string): string {
    const hierarchy = this.host.v1.get(controller)!;
    const nested = hierarchy.controllers.some((c) => this.nestUnder.has(c));
    return cgroupDir(hierarchy.mountPoint, nested ? hierarchy.ownPath : '/', normalized);
  }
}
