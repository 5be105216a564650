// What an exited container holds and needs no more, released once its exit is recorded, as
// containerd does when a task exits (the shim unmounts the rootfs and runc deletes the cgroup):
// nothing restarts it, and its status, logs and stats do without them. Off the reply path: the
// stop or status that recorded the exit does not wait (a writable overlay's last unmount syncs the
// host filesystem; a cgroup's rmdir takes the kernel's cgroup lock, contended on a busy node).
// The removal waits for the release, then removes what is left: a cgroup something still runs in
// (an exit with other processes in a shared pid namespace), or whatever a crash of corrald left.
import { moduleLogger } from '../log';
import { StepTimer } from '../step_timer';
import type { CgroupHandle } from '../cgroups/contract';
import type { ContainerDeps } from './container_deps';

const log = moduleLogger('container');

export interface Released {
  /** The container's cgroup is gone. */
  cgroup: boolean;
}

const NOTHING_RELEASED: Released = { cgroup: false };

export class ExitReleases {
  private readonly releases = new Map<string, Promise<Released>>();

  constructor(private readonly deps: ContainerDeps) {}

  /** Starts releasing an exited container's rootfs mount and (when empty) cgroup. */
  start(id: string): void {
    const record = this.deps.store.get(id);
    if (!record || this.releases.has(id)) return;
    const timer = new StepTimer(log, 'ReleaseAfterExit', { container: id });
    const unmounted = timer
      .step('rootfs unmounted', this.deps.snapshots.startUnmount(record.meta.rootfs))
      .catch((err: Error) =>
        log.warn('rootfs unmount after exit failed; the removal tries again', { id, error: err.message }),
      );
    const cgroup = timer.step('cgroup removed', removeIfEmpty(this.deps.cgroups.open(record.meta.cgroupPath)));
    this.releases.set(
      id,
      Promise.all([unmounted, cgroup]).then(([, cgroupGone]) => {
        timer.done();
        return { cgroup: cgroupGone };
      }),
    );
  }

  /**
   * Waits for the container's release, if one was started; what it released. Never rejects. From
   * now on none is started for it: an exit recorded meanwhile (by a watcher whose event comes
   * after the removal began) would race the removal for the same mount and cgroup.
   */
  async take(id: string): Promise<Released> {
    const release = this.releases.get(id);
    this.releases.set(id, Promise.resolve(NOTHING_RELEASED));
    return (await release) ?? NOTHING_RELEASED;
  }

  /** Once the container's record is gone. */
  forget(id: string): void {
    this.releases.delete(id);
  }
}

/** Only a cgroup without processes: the removal kills what is left, the release never does. */
async function removeIfEmpty(cgroup: CgroupHandle): Promise<boolean> {
  try {
    if ((await cgroup.pids()).length > 0) return false;
    await cgroup.remove({ timeoutMs: 0 });
    return true;
  } catch (err) {
    log.debug('cgroup left for the removal', { path: cgroup.path, error: (err as Error).message });
    return false;
  }
}
