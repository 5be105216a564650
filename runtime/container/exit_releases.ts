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

interface Release {
  /** Set by take() before the release ran: it then does nothing. */
  cancelled: boolean;
  /** Set when the release ran. */
  released?: Released;
}

/**
 * Each release runs under the container's lock, after the stop (or status, or start) that
 * recorded the exit: nothing else then reads the cgroup while it goes (a stop's kill pass would
 * read a cgroup.procs being removed: ENODEV). The removal holds the same lock, so the release it
 * finds has either run or not begun; never one under way.
 */
export class ExitReleases {
  private readonly releases = new Map<string, Release>();

  constructor(private readonly deps: ContainerDeps) {}

  /** Queues the release of an exited container's rootfs mount and (when empty) cgroup. */
  start(id: string): void {
    if (!this.deps.store.get(id) || this.releases.has(id)) return;
    const release: Release = { cancelled: false };
    this.releases.set(id, release);
    this.deps.store
      .locked(id, async () => {
        const record = this.deps.store.get(id);
        if (release.cancelled || !record) return;
        release.released = await this.release(record.id, record.meta.rootfs, record.meta.cgroupPath);
      })
      .catch((err: Error) => log.warn('release after exit failed; the removal does it', { id, error: err.message }));
  }

  private async release(id: string, rootfs: string, cgroupPath: string): Promise<Released> {
    const timer = new StepTimer(log, 'ReleaseAfterExit', { container: id });
    const unmounted = timer
      .step('rootfs unmounted', this.deps.snapshots.startUnmount(rootfs))
      .catch((err: Error) =>
        log.warn('rootfs unmount after exit failed; the removal tries again', { id, error: err.message }),
      );
    const cgroup = timer.step('cgroup removed', removeIfEmpty(this.deps.cgroups.open(cgroupPath)));
    const [, cgroupGone] = await Promise.all([unmounted, cgroup]);
    timer.done();
    return { cgroup: cgroupGone };
  }

  /**
   * Called under the container's lock by its removal: what the release freed, if it ran; one
   * that has not run never will (nor one for an exit recorded later).
   */
  take(id: string): Released {
    const release = this.releases.get(id) ?? { cancelled: false };
    release.cancelled = true;
    this.releases.set(id, release);
    return release.released ?? NOTHING_RELEASED;
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
