// The pod sandbox verbs. Stop ends every container then the infra; Remove also removes the
// containers, the pod's mounts, cgroups and directory. Both are idempotent.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CgroupResources } from '../cgroups/resources';
import { nowNs } from '../clock';
import { moduleLogger } from '../log';
import { removeDirWithMountPoints } from '../safe_remove';
import { StepTimer } from '../step_timer';
import { inBatches } from '../store/in_batches';
import { allSteps } from '../undo_stack';
import type { ContainerConfig } from '../container/container_config';
import { readPodCgroupsNote } from './pod_cgroups_note';
import { isHostNetwork } from './pod_files';
import type { PodConfig } from './pod_config';
import type { SandboxDeps } from './sandbox_deps';
import { infraBundleDir, ownsShm, pinDir, type SandboxRecord } from './sandbox_record';
import { runSandbox } from './sandbox_run';
import { toNotReady, type SandboxState } from './sandbox_state';

const log = moduleLogger('sandbox');

export interface SandboxFilter {
  id?: string;
  state?: SandboxState;
  labels?: Record<string, string>;
}

export class SandboxService {
  /** Pods whose infra cgroup and shm went at their stop (in memory: after a restart, the removal asks again). */
  private readonly infraReleased = new Set<string>();

  constructor(readonly deps: SandboxDeps) {}

  run(config: PodConfig): Promise<string> {
    return runSandbox(this.deps, config);
  }

  /** Creation is serialised with the pod's stop and remove, so no container lands in a stopped pod. */
  async createContainer(podIdOrPrefix: string, config: ContainerConfig): Promise<string> {
    const { id } = this.deps.store.resolve(podIdOrPrefix);
    return this.deps.store.locked(id, () => this.deps.containers.create(this.deps.store.resolve(id), config));
  }

  async stop(idOrPrefix: string): Promise<void> {
    const found = this.deps.store.find(idOrPrefix);
    if (!found) return;
    await this.deps.store.locked(found.id, () => this.stopLocked(found.id));
  }

  private async stopLocked(id: string): Promise<void> {
    const timer = new StepTimer(log, 'StopPodSandbox', { pod: id });
    await timer.step('containers stopped', this.stopContainers(id));
    await this.stopPod(id, timer);
    timer.done();
  }

  /**
   * An exited container is stopped already: its lock is not waited for (the release of its rootfs
   * and cgroup after its exit holds it, right after the StopContainer that usually comes first).
   */
  private async stopContainers(id: string): Promise<void> {
    const running = this.deps.containers.listInPod(id).filter((container) => container.status.state !== 'exited');
    await allSteps(running.map((container) => this.deps.containers.stop(container.id, 0)));
  }

  /**
   * CNI DEL and the infra kill run side by side: the netns is held by its pin, not by the infra,
   * so DEL still finds it. Once the infra is gone its other pins and the NOTREADY record go while
   * DEL runs (a crash then leaves a NOTREADY pod whose stop or remove does DEL again); the netns
   * pin goes only after DEL. Tears down even when already NOTREADY: a stop interrupted half-way
   * is finished here.
   */
  private async stopPod(id: string, timer: StepTimer): Promise<void> {
    const record = this.deps.store.get(id);
    if (!record) return;
    const netns = record.status.namespacePaths.net;
    const withDel = !isHostNetwork(record.meta.config) && netns !== undefined && netns !== '';
    const tearDown = withDel ? this.deps.network.tearDown(id, netns) : Promise.resolve();
    const bundle = infraBundleDir(record.meta);
    const pins = pinDir(record.meta);
    const infraGone = async (): Promise<void> => {
      await timer.step('infra killed', this.deps.infra.killInfra(bundle));
      // A pod stopped before (RemovePodSandbox after StopPodSandbox) has nothing new to record.
      const recordNotReady: Promise<unknown> =
        record.status.state === 'notready'
          ? Promise.resolve()
          : this.deps.store.update(id, (status) => toNotReady(status, nowNs()));
      const unpinned = this.deps.infra.stopInfra(bundle, pins, { keepNetwork: withDel });
      await allSteps([
        timer.step(withDel ? 'pins but the netns removed' : 'pins removed', unpinned),
        timer.step('record NOTREADY', recordNotReady),
        timer.step('infra cgroup and shm released', this.releaseInfra(id, record.meta)),
      ]);
    };
    await allSteps([timer.step('network torn down', tearDown), infraGone()]);
    if (withDel) await timer.step('pins removed', this.deps.infra.stopInfra(bundle, pins));
  }

  async remove(idOrPrefix: string): Promise<void> {
    const found = this.deps.store.find(idOrPrefix);
    if (!found) return;
    await this.deps.store.locked(found.id, () => this.removeLocked(found.id));
  }

  /**
   * The pod's stop (then its infra cgroup, shm and directory) and its containers' removal (rootfs,
   * cgroups, directories, records) run side by side; the pod's cgroup, which holds all of theirs,
   * goes once those cgroups are gone (beside the containers' directories and records), and the
   * record last, so a removal that failed half-way can be asked again. The containers' and the
   * pod's record removals are flushed by one round of fsyncs, after the pod's: a journal commits
   * in order, so a power loss that kept the pod's removal kept theirs.
   */
  private async removeLocked(id: string): Promise<void> {
    if (!this.deps.store.get(id)) return;
    const timer = new StepTimer(log, 'RemovePodSandbox', { pod: id });
    await timer.step('containers stopped', this.stopContainers(id));
    const removals = this.deps.containers
      .listInPod(id)
      .map((container) => this.deps.containers.removeUnflushed(container.id));
    const stopAndRemoveInfra = async (): Promise<void> => {
      await this.stopPod(id, timer);
      await timer.step('infra leftovers removed', this.removeInfraLeftovers(this.deps.store.get(id)!));
    };
    const removePodCgroup = async (): Promise<void> => {
      const containerResources = allSteps(removals.map((removal) => removal.resourcesGone));
      await allSteps([stopAndRemoveInfra(), timer.step('container resources removed', containerResources)]);
      const { meta } = this.deps.store.get(id)!;
      await timer.step('pod cgroup removed', this.deps.cgroups.open(meta.cgroupPath).remove({ killRemaining: true }));
    };
    const containersRemoved = allSteps(removals.map((removal) => removal.removed));
    await allSteps([removePodCgroup(), timer.step('containers removed', containersRemoved)]);
    const records = [this.deps.store.remove(id)];
    if (removals.length > 0) records.push(this.deps.containers.flushRemovals());
    await timer.step('record removed', allSteps(records));
    timer.done();
  }

  /**
   * Once the infra is gone, as containerd's stop deletes the sandbox's task (its cgroup) and
   * unmounts its shm: the infra's cgroup and the pod's shm tmpfs, which no container uses any more
   * (all are stopped, and a NOTREADY pod gets no new one). Beside CNI DEL, or beside the pins'
   * removal and the record's update for a pod without one.
   */
  private async releaseInfra(id: string, meta: SandboxRecord['meta']): Promise<void> {
    if (this.infraReleased.has(id)) return;
    const unmountShm = async (): Promise<void> => {
      if (ownsShm(meta)) await this.deps.mounts.unmount(meta.shmPath);
    };
    await allSteps([unmountShm(), this.deps.cgroups.open(meta.infraCgroupPath).remove({ killRemaining: true })]);
    this.infraReleased.add(id);
  }

  /**
   * The pod's directory, and whatever its stop did not release (a stop before a restart of
   * corrald): independent of the containers (which are stopped: nothing has the pod's files open).
   */
  private async removeInfraLeftovers({ id, meta }: SandboxRecord): Promise<void> {
    await this.releaseInfra(id, meta);
    await removeDirWithMountPoints(meta.sandboxDir, ownsShm(meta) ? [meta.shmPath] : [], this.deps.trash);
    this.infraReleased.delete(id);
  }

  /** NotFound for an unknown pod. */
  /** UpdatePodSandboxResources: the pod cgroup's limits, applied live. */
  async updateResources(idOrPrefix: string, resources: CgroupResources): Promise<void> {
    const record = this.deps.store.resolve(idOrPrefix);
    this.deps.cgroups.validate(resources);
    await this.deps.cgroups.open(record.meta.cgroupPath).apply(resources);
  }

  status(idOrPrefix: string): SandboxRecord {
    return this.deps.store.resolve(idOrPrefix);
  }

  list(filter: SandboxFilter = {}): SandboxRecord[] {
    return this.deps.store.list().filter((record) => matches(record, filter));
  }

  /** Pod directories with no record (a RunPodSandbox cut short by a crash): infra, cgroups, pins and shm go. */
  async sweepOrphans(): Promise<string[]> {
    const names = await fs.readdir(this.deps.sandboxesDir).catch(() => [] as string[]);
    const orphans = names.filter((id) => !this.deps.store.get(id));
    for (const id of orphans) {
      const dir = path.join(this.deps.sandboxesDir, id);
      await this.releaseOrphanNetwork(id, dir);
      await this.deps.infra.stopInfra(infraBundleDir({ sandboxDir: dir }), pinDir({ sandboxDir: dir }));
      await this.removeOrphanCgroups(dir);
      await this.deps.mounts.unmount(path.join(dir, 'shm'));
      await removeDirWithMountPoints(dir, [path.join(dir, 'shm')]);
    }
    if (orphans.length > 0) log.warn('removed pods a crash left half-made', { ids: orphans });
    return orphans;
  }

  /**
   * CNI DEL while the pod's network namespace is still pinned, so the plugins find what ADD made
   * in it (the bridge plugin reads the pod's addresses there to remove their masquerade rules;
   * with the namespace gone it releases the address only). ADD may have ended after the crash:
   * the plugins outlive corrald. A failure is left to the release of orphaned attachments that
   * follows recovery.
   */
  private async releaseOrphanNetwork(id: string, sandboxDir: string): Promise<void> {
    try {
      await this.deps.network.tearDown(id, path.join(pinDir({ sandboxDir }), 'net'));
    } catch (err) {
      log.warn('cannot release the network of a half-made pod', { pod: id, error: (err as Error).message });
    }
  }

  /** The infra's cgroup, then the pod's (a pod cut short has no containers): what of them was made. */
  private async removeOrphanCgroups(sandboxDir: string): Promise<void> {
    const cgroups = readPodCgroupsNote(sandboxDir);
    if (!cgroups) return;
    await this.deps.cgroups.open(cgroups.infraCgroupPath).remove({ killRemaining: true });
    await this.deps.cgroups.open(cgroups.cgroupPath).remove({ killRemaining: true });
  }

  /** After a restart: a ready pod whose infra is gone is NOTREADY (its namespaces may be gone too). */
  async recover(): Promise<string[]> {
    const lost: string[] = [];
    const ready = this.deps.store.list().filter((record) => record.status.state === 'ready' && record.status.infra);
    await inBatches(ready, async (record) => {
      if (await this.deps.isAlive(record.status.infra!)) return;
      await this.deps.store.update(record.id, (status) => toNotReady(status, nowNs()));
      lost.push(record.id);
    });
    if (lost.length > 0) log.warn('pod infra processes gone while corrald was down', { ids: lost });
    return lost;
  }
}

function matches(record: SandboxRecord, filter: SandboxFilter): boolean {
  if (filter.id && !record.id.startsWith(filter.id)) return false;
  if (filter.state && record.status.state !== filter.state) return false;
  const labels = record.meta.config.labels;
  return Object.entries(filter.labels ?? {}).every(([key, value]) => labels[key] === value);
}
