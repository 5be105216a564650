// The container verbs. Each is short: find, lock, guard, act, save. Exits are learnt by one
// watcher per live container (and by every status read), so a state never lags behind reality.
import type { CgroupResources } from '../cgroups/resources';
import { nowNs, rfc3339ToNs } from '../clock';
import { DeadlineExceededError, FailedPreconditionError, InvalidArgumentError } from '../errors';
import { moduleLogger } from '../log';
import type { ExecResult } from '../process/contract';
import { removeDirWithMountPoints } from '../safe_remove';
import { timerMs } from '../timer_ms';
import { StepTimer } from '../step_timer';
import { allSteps } from '../undo_stack';
import type { SandboxRecord } from '../sandbox/sandbox_record';
import type { ContainerConfig } from './container_config';
import { createContainer } from './container_create';
import { ContainerSetups } from './container_setups';
import type { ContainerDeps } from './container_deps';
import { exitRecordOf, recordExit, refreshExit } from './container_exit';
import { updateResources } from './container_resources';
import { stopProcesses } from './container_kill';
import { containerProcess, type ContainerRecord } from './container_record';
import { canExec, canStop, toRunning, type ContainerState } from './container_state';
import { ExitReleases } from './exit_releases';
import { releaseImageVolumes } from './image_volumes';

const log = moduleLogger('container');

/** exit code of a container whose start failed, as containerd records it */
const START_ERROR_EXIT_CODE = 128;

export interface ContainerRemoval {
  resourcesGone: Promise<void>;
  removed: Promise<void>;
}

/** A promise settled from outside; its rejection counts as handled until someone awaits it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export interface ContainerFilter {
  id?: string;
  podId?: string;
  state?: ContainerState;
  labels?: Record<string, string>;
}

export class ContainerService {
  private readonly watchers = new Map<string, AbortController>();
  private readonly setups = new ContainerSetups();
  private readonly releases: ExitReleases;
  private readonly unsubscribe: () => void;

  constructor(readonly deps: ContainerDeps) {
    this.releases = new ExitReleases(deps);
    // Whichever path records an exit (watcher, stop, status, recovery) sends this event once.
    this.unsubscribe = deps.events.subscribe((event) => {
      if (event.kind === 'stopped') this.releases.start(event.containerId);
    });
  }

  /** Returns once the record is stored; the monitor and the waiting init are still being set up. */
  async create(pod: SandboxRecord, config: ContainerConfig): Promise<string> {
    const { id, processes } = await createContainer(this.deps, pod, config);
    this.setups.track(id, processes, () => this.watchExit(id));
    return id;
  }

  /** Waits for the process setup create started; a setup that failed fails the start (StartError). */
  async start(idOrPrefix: string): Promise<void> {
    const { id } = this.deps.store.resolve(idOrPrefix);
    await this.deps.store.locked(id, async () => {
      const timer = new StepTimer(log, 'StartContainer', { container: id });
      const setupFailure = await timer.step('set up', this.setups.failure(id));
      const record = this.deps.store.resolve(id);
      if (record.status.state !== 'created') {
        throw new FailedPreconditionError(
          `container ${id} is ${record.status.state}, only a created container can be started`,
        );
      }
      this.setups.forget(id);
      try {
        if (setupFailure) throw setupFailure;
        const started = await timer.step('released', this.deps.processes.start(record.meta.bundleDir));
        const at = rfc3339ToNs(started.startedAt);
        await timer.step(
          'recorded',
          this.deps.store.update(id, (s) => toRunning(s, at, started)),
        );
        this.deps.events.publish({ containerId: id, podId: record.meta.podId, kind: 'started', at: nowNs() });
        timer.done();
      } catch (err) {
        await this.recordFailedStart(record, err as Error);
        throw err;
      }
    });
  }

  /** A failed start is recorded as exited (StartError), never left half-made. */
  private async recordFailedStart(record: ContainerRecord, err: Error): Promise<void> {
    log.warn('container start failed', { id: record.id, error: err.message });
    // Recorded before the kill, so the kill's own exit does not replace the reason.
    await recordExit(this.deps, record.id, {
      exitCode: START_ERROR_EXIT_CODE,
      finishedAt: nowNs(),
      reason: 'StartError',
      message: err.message,
    });
    await this.deps.processes.signal(record.meta.bundleDir, 'SIGKILL').catch(() => undefined);
    await this.deps.cgroups
      .open(record.meta.cgroupPath)
      .killAll()
      .catch(() => undefined);
  }

  /** Idempotent: an unknown or exited container is already stopped. */
  async stop(idOrPrefix: string, timeoutSeconds: number): Promise<void> {
    const found = this.deps.store.find(idOrPrefix);
    if (!found) return;
    await this.deps.store.locked(found.id, () => this.stopLocked(found.id, timeoutSeconds));
  }

  /** A container whose process setup failed has nothing to stop: it is recorded as a failed start. */
  private async stopLocked(id: string, timeoutSeconds: number): Promise<void> {
    const setupFailure = await this.setups.failure(id);
    const record = this.deps.store.get(id);
    if (!record || !canStop(record.status)) return;
    if (setupFailure) await this.recordFailedStart(record, setupFailure);
    else await stopProcesses(this.deps, record, timeoutSeconds);
  }

  /** Idempotent and forced: a running container is killed first. Logs stay. */
  async remove(idOrPrefix: string): Promise<void> {
    const found = this.deps.store.find(idOrPrefix);
    if (!found) return;
    await this.removeUnflushed(found.id).removed;
    await this.flushRemovals();
  }

  /**
   * remove() in two parts, for a pod's removal: `resourcesGone` once the container's processes,
   * mounts, snapshot and cgroup are gone (its pod's cgroup can go then), `removed` once its
   * directory and record are too. The record's removal is left for flushRemovals().
   */
  removeUnflushed(id: string): ContainerRemoval {
    const resources = deferred();
    const removed = this.deps.store.locked(id, async () => {
      try {
        await this.stopLocked(id, 0);
        const record = this.deps.store.get(id);
        if (record) await this.teardown(record, resources.resolve);
        if (record) this.setups.forget(record.id);
        if (record) this.releases.forget(record.id);
        resources.resolve();
      } catch (err) {
        resources.reject(err);
        throw err;
      }
    });
    return { resourcesGone: resources.promise, removed };
  }

  /** Makes the record removals of removeUnflushed durable (one fsync for all of them). */
  flushRemovals(): Promise<void> {
    return this.deps.store.flush();
  }

  private async teardown(record: ContainerRecord, resourcesGone: () => void): Promise<void> {
    const { meta } = record;
    const timer = new StepTimer(log, 'RemoveContainer', { container: record.id });
    this.watchers.get(record.id)?.abort();
    const released = this.releases.take(record.id);
    const cgroup = this.deps.cgroups.open(meta.cgroupPath);
    // The mounts and snapshot, and the cgroup are independent of each other: taken away side by
    // side (each settled before a failure); the directory goes once both are.
    const removeMounts = async (): Promise<void> => {
      await releaseImageVolumes(this.deps, record.id, meta.containerDir);
      await timer.step('rootfs unmounted', this.deps.snapshots.unmount(meta.rootfs));
      await this.deps.snapshots.remove(record.id);
    };
    await allSteps([
      timer.step('mounts and snapshot removed', removeMounts()),
      timer.step('cgroup removed', released.cgroup ? Promise.resolve() : cgroup.remove({ killRemaining: true })),
    ]);
    resourcesGone();
    // The directory and the record are apart: a crash between them leaves a directory without a
    // record, which the next start sweeps. The directory is moved to the trash, its files removed
    // after the reply; the process files, in the bundle (the directory), go with it, so the
    // runtime's cleanup after the move finds them gone rather than unlinking each on the path.
    const removeDirectory = async (): Promise<void> => {
      await removeDirWithMountPoints(meta.containerDir, [meta.rootfs], this.deps.trash);
      await this.deps.processes.cleanup(meta.bundleDir);
    };
    await allSteps([
      timer.step('directory removed', removeDirectory()),
      timer.step('record removed', this.deps.store.remove(record.id, { flush: false })),
    ]);
    this.deps.events.publish({ containerId: record.id, podId: meta.podId, kind: 'deleted', at: nowNs() });
    timer.done();
  }

  /** UpdateContainerResources: applied live to the cgroup, then shown by status. */
  async updateResources(idOrPrefix: string, update: CgroupResources): Promise<void> {
    const { id } = this.deps.store.resolve(idOrPrefix);
    await this.setups.failure(id); // the cgroup is made by the setup: its limits first, then these
    await updateResources(this.deps, id, update);
  }

  /** NotFound for an unknown container; the state is made current from the monitor's exit file. */
  async status(idOrPrefix: string): Promise<ContainerRecord> {
    return refreshExit(this.deps, this.deps.store.resolve(idOrPrefix));
  }

  list(filter: ContainerFilter = {}): ContainerRecord[] {
    const all = this.deps.store.list();
    return isEmptyFilter(filter) ? all : all.filter((record) => matches(record, filter));
  }

  listInPod(podId: string): ContainerRecord[] {
    return this.deps.store.list().filter((record) => record.meta.podId === podId);
  }

  async execSync(idOrPrefix: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    this.deps.cgroups.warmMigration?.(); // the helper moves itself into the container's cgroup
    const record = await this.status(idOrPrefix);
    if (!canExec(record.status))
      throw new FailedPreconditionError(`container ${record.id} is ${record.status.state}, not running`);
    if (cmd.length === 0) throw new InvalidArgumentError('exec needs a command');
    // Exec'd processes get the container's user, capabilities and seccomp filter, as runc does.
    const process = { ...containerProcess(record.meta), args: cmd, tty: false, stdin: false, stdinOnce: false };
    const result = await this.deps.processes.execSync(record.meta.bundleDir, process, timerMs(timeoutSeconds));
    if (result.timedOut)
      throw new DeadlineExceededError(`command ${JSON.stringify(cmd)} timed out after ${timeoutSeconds}s`);
    return result;
  }

  async reopenLog(idOrPrefix: string): Promise<void> {
    const record = await this.status(idOrPrefix);
    if (record.status.state !== 'running') throw new FailedPreconditionError(`container ${record.id} is not running`);
    await this.deps.processes.reopenLog(record.meta.bundleDir);
  }

  /** Starts the one watcher that records this container's exit when it happens. */
  watchExit(id: string): void {
    if (this.watchers.has(id)) return;
    const record = this.deps.store.get(id);
    if (!record || record.status.state === 'exited') return;
    const abort = new AbortController();
    this.watchers.set(id, abort);
    this.deps.processes
      .waitExit(record.meta.bundleDir, abort.signal)
      .then((exit) => recordExit(this.deps, id, exitRecordOf(exit)))
      .catch((err) => {
        if (!abort.signal.aborted) log.warn('exit watcher failed', { id, error: (err as Error).message });
      })
      .finally(() => {
        if (this.watchers.get(id) === abort) this.watchers.delete(id);
      });
  }

  /** Stops watching (at daemon shutdown); the monitors keep the containers. */
  close(): void {
    this.unsubscribe();
    for (const abort of this.watchers.values()) abort.abort();
    this.watchers.clear();
  }
}

function isEmptyFilter(filter: ContainerFilter): boolean {
  return !filter.id && !filter.podId && !filter.state && Object.keys(filter.labels ?? {}).length === 0;
}

function matches(record: ContainerRecord, filter: ContainerFilter): boolean {
  if (filter.id && !record.id.startsWith(filter.id)) return false;
  if (filter.podId && !record.meta.podId.startsWith(filter.podId)) return false;
  if (filter.state && record.status.state !== filter.state) return false;
  const labels = record.meta.config.labels;
  return Object.entries(filter.labels ?? {}).every(([key, value]) => labels[key] === value);
}
