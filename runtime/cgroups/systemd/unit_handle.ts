// What a scope and a slice share under the systemd driver: systemd owns the unit, but reads,
// kills and freezes go straight to cgroupfs through the layout's own handle.
import path from 'node:path';
import { exists } from '../fs_util';
import type { CgroupHandle, RemoveOptions } from '../contract';
import type { CgroupResources } from '../resources';
import type { CgroupStats } from '../stats';
import type { OomTracker } from './oom_tracker';
import type { SystemdBus } from './systemd_bus';

export interface ScopeContext {
  bus: SystemdBus;
  layout: 'v1' | 'v2';
  oom: OomTracker;
  /** Limits given before the scope existed, passed when it starts (by cgroup path). */
  pending: Map<string, CgroupResources>;
  /** The manager's check of resources, run before anything reaches systemd. */
  validate(resources: CgroupResources): void;
}

export abstract class SystemdUnitHandle implements CgroupHandle {
  constructor(
    protected readonly inner: CgroupHandle,
    protected readonly unit: string,
    protected readonly ctx: ScopeContext,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  procsFiles(): string[] {
    return this.inner.procsFiles();
  }

  pids(): Promise<number[]> {
    return this.inner.pids();
  }

  /** systemd removes a unit's cgroup once it empties: a cgroup gone meanwhile has nothing left to kill. */
  async killAll(): Promise<void> {
    try {
      await this.inner.killAll();
    } catch (err) {
      if (await exists(path.dirname(this.inner.procsFiles()[0]))) throw err;
    }
  }

  freeze(): Promise<void> {
    return this.inner.freeze();
  }

  thaw(): Promise<void> {
    return this.inner.thaw();
  }

  stats(): Promise<CgroupStats> {
    return this.inner.stats();
  }

  oomKillCount(): Promise<number> {
    return this.inner.oomKillCount();
  }

  async oomKilled(): Promise<boolean> {
    return (await this.oomKillCount()) > 0;
  }

  abstract apply(resources: CgroupResources): Promise<void>;
  abstract remove(options?: RemoveOptions): Promise<void>;
}
