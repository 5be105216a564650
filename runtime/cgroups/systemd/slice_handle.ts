// A pod's cgroup under the systemd driver: the slice kubelet named (kubelet owns it and its
// limits: corral only reads it) or, for a pod that named none, corral's own transient slice.
import type { RemoveOptions } from '../contract';
import { isEmptyResources, type CgroupResources } from '../resources';
import { isOwnPodSlice } from './slice';
import { SystemdUnitHandle } from './unit_handle';
import { resourceProperties } from './unit_properties';

export class SystemdSliceHandle extends SystemdUnitHandle {
  private get own(): boolean {
    return isOwnPodSlice(this.unit);
  }

  /** Starts corral's own slice (a slice needs no process); kubelet's is left to kubelet and systemd. */
  async start(): Promise<void> {
    if (this.own) await this.ctx.bus.startTransientUnit(this.unit, []);
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
