// A container's or pod infra's cgroup under the systemd driver: a transient scope made around
// the process that joined its directory, limits set as unit properties first (so daemon-reload
// keeps them) and then written to cgroupfs for what systemd has no property for; reads, kills
// and freezes go to cgroupfs (SystemdUnitHandle).
import type { RemoveOptions } from '../contract';
import { isEmptyResources, type CgroupResources } from '../resources';
import { deviceProperties } from './device_properties';
import { sliceOfPath } from './slice';
import { SystemdUnitHandle } from './unit_handle';
import { INFINITY, resourceProperties, type UnitProperty, Variant } from './unit_properties';

export class SystemdScopeHandle extends SystemdUnitHandle {
  /** The live counter, or what the tracker saw before systemd removed the scope's cgroup. */
  override async oomKillCount(): Promise<number> {
    const live = await this.inner.oomKillCount().catch(() => 0);
    return Math.max(live, this.ctx.oom.count(this.path));
  }

  /** Before attach: written now (the process is held before exec) and kept for the scope's start. */
  async apply(resources: CgroupResources): Promise<void> {
    if (isEmptyResources(resources)) return;
    this.ctx.validate(resources);
    const state = await this.ctx.bus.activeState(this.unit);
    if (state === 'active' || state === 'activating') {
      await this.ctx.bus.setUnitProperties(this.unit, this.properties(resources));
    } else {
      this.ctx.pending.set(this.path, { ...this.ctx.pending.get(this.path), ...resources });
    }
    await this.inner.apply(resources);
  }

  async attach(pid: number): Promise<void> {
    const resources = this.ctx.pending.get(this.path) ?? {};
    this.ctx.pending.delete(this.path);
    await this.ctx.bus.startTransientUnit(this.unit, [
      ['Description', new Variant('s', `corral ${this.unit}`)],
      ['Slice', new Variant('s', sliceOfPath(this.path.slice(0, this.path.lastIndexOf('/'))))],
      ['PIDs', new Variant('au', [pid])],
      ['Delegate', new Variant('b', true)],
      ['DefaultDependencies', new Variant('b', false)],
      ...this.accounting(),
      // Unlimited unless told: systemd's DefaultTasksMax would cap a container cgroupfs leaves at "max".
      ...(resources.pidsLimit === undefined ? [['TasksMax', new Variant('t', INFINITY)] as UnitProperty] : []),
      ...this.properties(resources),
    ]);
    this.ctx.oom.watch(this.path, this.inner);
    // systemd wrote its defaults for what it was not told: the rest goes on top, as runc does.
    if (!isEmptyResources(resources)) await this.inner.apply(resources);
  }

  async remove(options: RemoveOptions = {}): Promise<void> {
    this.ctx.pending.delete(this.path);
    if (options.killRemaining) await this.killAll();
    await this.ctx.bus.stopUnit(this.unit);
    this.ctx.oom.forget(this.path);
    // Directories systemd does not own (v1 hierarchies it leaves alone) go the cgroupfs way.
    await this.inner.remove({ ...options, killRemaining: false });
  }

  private properties(resources: CgroupResources): UnitProperty[] {
    return [
      ...resourceProperties(resources, this.ctx.layout),
      ...(this.ctx.layout === 'v1' ? deviceProperties(resources.devices) : []),
    ];
  }

  private accounting(): UnitProperty[] {
    const on = new Variant('b', true);
    const io = this.ctx.layout === 'v2' ? 'IOAccounting' : 'BlockIOAccounting';
    return [
      ['CPUAccounting', on],
      ['MemoryAccounting', on],
      ['TasksAccounting', on],
      [io, on],
    ];
  }
}
