// The v2 driver: one unified hierarchy. Creating a cgroup enables every available controller
// in each ancestor's cgroup.subtree_control so the new cgroup has their files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors';
import type { CgroupHandle, CgroupManager, ControllerInfo } from '../contract';
import { cgroupDir, mkdirLevels, normalizeCgroupPath } from '../cgroup_path';
import { readText, writeValue } from '../fs_util';
import type { HostCgroups } from '../host';
import { cgroupfsPaths } from '../cgroupfs_paths';
import { MigrationWarmup } from '../migration_warmup';
import { nodeFacts } from '../host_facts';
import type { CgroupResources } from '../resources';
import { validateResources } from '../validate';
import { V2CgroupHandle } from './handle';

export interface V2Options {
  /** Nest cgroups under corrald's own cgroup (default false: paths are from the root). */
  nestUnderOwn?: boolean;
}

const REPORTED = ['cpu', 'cpuset', 'memory', 'pids', 'hugetlb', 'io', 'devices', 'freezer'];
const BUILT_IN = new Set(['devices', 'freezer']);

export class V2CgroupManager implements CgroupManager {
  readonly driver = 'v2' as const;
  readonly cgroupDriver = cgroupfsPaths.cgroupDriver;
  readonly podCgroupPath = cgroupfsPaths.podCgroupPath;
  readonly containerCgroupPath = cgroupfsPaths.containerCgroupPath;
  readonly infraCgroupPath = cgroupfsPaths.infraCgroupPath;
  readonly mode = 'v2' as const;
  private readonly mount: string;
  private readonly base: string;
  private readonly warmup: MigrationWarmup;

  constructor(host: HostCgroups, options: V2Options = {}) {
    if (!host.unifiedMount) throw new FailedPreconditionError('no cgroup2 filesystem is mounted');
    this.mount = host.unifiedMount;
    this.base = options.nestUnderOwn ? host.unifiedOwnPath : '/';
    this.warmup = new MigrationWarmup(host);
  }

  warmMigration(): void {
    void this.warmup.warm();
  }

  async create(cgroupPath: string): Promise<CgroupHandle> {
    const normalized = normalizeCgroupPath(cgroupPath);
    const dir = cgroupDir(this.mount, this.base, normalized);
    await mkdirLevels(this.mount, path.dirname(dir));
    await this.enableControllersDownTo(path.dirname(dir));
    await mkdirLevels(this.mount, dir);
    return this.open(normalized);
  }

  open(cgroupPath: string): CgroupHandle {
    const normalized = normalizeCgroupPath(cgroupPath);
    return new V2CgroupHandle(normalized, cgroupDir(this.mount, this.base, normalized), (r) => this.validate(r));
  }

  validate(resources: CgroupResources): void {
    validateResources(resources, 'v2', nodeFacts());
  }

  controllers(): ControllerInfo[] {
    const available = new Set(readRootControllers(this.mount));
    // devices and freezer are built into v2 (an eBPF program and cgroup.freeze), not listed controllers.
    return REPORTED.map((name) => ({ name, available: available.has(name) || BUILT_IN.has(name), where: this.mount }));
  }

  /** Walks from the root to `parent`, enabling in each level what that level offers. */
  private async enableControllersDownTo(parent: string): Promise<void> {
    const relative = path.relative(this.mount, parent);
    let level = this.mount;
    for (const part of ['', ...relative.split(path.sep).filter((p) => p !== '')]) {
      level = path.join(level, part);
      const offered = (await readText(path.join(level, 'cgroup.controllers'))).trim().split(/\s+/).filter(Boolean);
      const enabled = new Set((await readText(path.join(level, 'cgroup.subtree_control'))).trim().split(/\s+/));
      for (const controller of offered.filter((c) => !enabled.has(c))) {
        await enableController(level, controller);
      }
    }
  }
}

async function enableController(level: string, controller: string): Promise<void> {
  try {
    await writeValue(path.join(level, 'cgroup.subtree_control'), `+${controller}`);
  } catch (err) {
    // EBUSY: the level holds processes itself (v2 allows processes only in leaves).
    if (err instanceof InvalidArgumentError) {
      throw new FailedPreconditionError(
        `cannot enable ${controller} below ${level}: it holds processes (cgroup v2 keeps processes in leaves)`,
        { cause: err },
      );
    }
    throw err;
  }
}

function readRootControllers(mount: string): string[] {
  // A sync read is fine: this serves reports, not a hot path.
  return readFileSync(path.join(mount, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
}
