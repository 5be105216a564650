// A pod's cgroup under the systemd driver: the slice kubelet named (kubelet owns it and its
// limits: corral only reads it) or, for a pod that named none, corral's own transient slice.
import type { CgroupHandle, RemoveOptions } from '../contract';
import { isEmptyResources, type CgroupResources } from '../resources';
import type { CgroupStats } from '../stats';
import { killAllIfPresent, type ScopeContext } from './scope_handle';
import { isOwnPodSlice } from './slice';
import { resourceProperties } from './unit_properties';

export class SystemdSliceHandle implements CgroupHandle {
  constructor(
    private readonly inner: CgroupHandle,
    private readonly unit: string,
    private readonly ctx: ScopeContext,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  private get own(): boolean {
    return isOwnPodSlice(this.unit);
  }

  /** Starts corral's own slice (a slice needs no process); kubelet's is left to kubelet and systemd. */
  async start(): Promise<void> {
    if (this.own) await this.ctx.bus.startTransientUnit(this.unit, []);
  }

  procsFiles(): string[] {
    return this.inner.procsFiles();
  }

  pids(): Promise<number[]> {
    return this.inner.pids();
  }

  killAll(): Promise<void> {
    return killAllIfPresent(this.inner);
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

  oomKilled(): Promise<boolean> {
    return this.inner.oomKilled();
  }

  /** Pod-level limits go on corral's own slice only: kubelet sets its pod slice itself. */
  async apply(resources: CgroupResources): Promise<void> {
    if (!this.own || isEmptyResources(resources)) return;
    this.ctx.validate(resources);
    await this.ctx.bus.setUnitProperties(this.unit, resourceProperties(resources, this.ctx.layout));
    await this.inner.apply(resources);
  }

  async remove(options: RemoveOptions = {}): Promise<void> {
    if (!this.own) return;
    if (options.killRemaining) await this.killAll();
    await this.ctx.bus.stopUnit(this.unit);
    await this.inner.remove({ ...options, killRemaining: false });
  }
}
