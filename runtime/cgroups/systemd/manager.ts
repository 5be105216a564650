// The systemd cgroup driver: the same v1/v2 layouts, but systemd owns the tree. A pod lives in
// the slice kubelet names (its systemd-form cgroup_parent), each container and pod infra in a
// transient scope corral-<id>.scope with Delegate=yes, made over D-Bus around its process.
import type { CgroupHandle, CgroupManager, ControllerInfo } from '../contract';
import { InvalidArgumentError } from '../../errors';
import type { CgroupResources } from '../resources';
import { OomTracker } from './oom_tracker';
import { SystemdScopeHandle } from './scope_handle';
import type { ScopeContext } from './unit_handle';
import { SystemdSliceHandle } from './slice_handle';
import { checkSliceName, expandSlice, isSliceName, ownPodSliceName, scopeName, sliceOfPath } from './slice';
import { SystemdBus } from './systemd_bus';

export class SystemdCgroupManager implements CgroupManager {
  readonly cgroupDriver = 'systemd' as const;
  private readonly ctx: ScopeContext;

  /** @param layout the cgroupfs manager of this host's layout, used for every file read and write */
  constructor(
    private readonly layout: CgroupManager,
    bus: SystemdBus = new SystemdBus(),
  ) {
    this.ctx = {
      bus,
      layout: layout.driver,
      oom: new OomTracker(layout.driver),
      pending: new Map(),
      validate: (r) => layout.validate(r),
    };
  }

  get mode() {
    return this.layout.mode;
  }

  get driver() {
    return this.layout.driver;
  }

  podCgroupPath(parent: string, podId: string): string {
    if (parent === '') return expandSlice(ownPodSliceName(podId));
    if (!isSliceName(parent))
      throw new InvalidArgumentError(
        `cgroup_parent ${JSON.stringify(parent)} is a cgroupfs path but corrald runs with cgroup_driver "systemd": ` +
          'kubelet must use cgroupDriver: systemd too and send a slice name such as kubepods-burstable-pod<uid>.slice',
      );
    checkSliceName(parent);
    return expandSlice(parent);
  }

  containerCgroupPath(podPath: string, containerId: string): string {
    return `${podPath}/${scopeName(containerId)}`;
  }

  infraCgroupPath(podPath: string, podId: string): string {
    return `${podPath}/${scopeName(podId)}`;
  }

  /** A scope's directory is made now so its process can join it; the unit comes at attach(). */
  async create(cgroupPath: string): Promise<CgroupHandle> {
    const handle = this.open(cgroupPath);
    if (handle instanceof SystemdSliceHandle) await handle.start();
    else await this.layout.create(cgroupPath);
    return handle;
  }

  open(cgroupPath: string): CgroupHandle {
    const inner = this.layout.open(cgroupPath);
    const unit = sliceOfPath(cgroupPath);
    if (unit.endsWith('.slice')) return new SystemdSliceHandle(inner, unit, this.ctx);
    const handle = new SystemdScopeHandle(inner, unit, this.ctx);
    this.ctx.oom.watch(inner.path, inner); // after a restart: watch again what is still running
    return handle;
  }

  validate(resources: CgroupResources): void {
    this.layout.validate(resources);
  }

  controllers(): ControllerInfo[] {
    return this.layout.controllers();
  }

  warmMigration(): void {
    this.layout.warmMigration?.();
  }
}
