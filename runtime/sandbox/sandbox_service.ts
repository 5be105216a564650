// The pod sandbox verbs. Stop ends every container then the infra; Remove also removes the
// containers, the pod's mounts, cgroups and directory. Both are idempotent.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CgroupResources } from '../cgroups/resources';
import { nowNs } from '../clock';
import { moduleLogger } from '../log';
import { removeDirWithMountPoints } from '../safe_remove';
import { allSteps } from '../undo_stack';
import type { ContainerConfig } from '../container/container_config';
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
    await allSteps(this.deps.containers.listInPod(id).map((container) => this.deps.containers.stop(container.id, 0)));
    const record = this.deps.store.get(id);
    if (!record) return;
    // Tear down even when already NOTREADY: a stop interrupted half-way is finished here.
    const netns = record.status.namespacePaths.net;
    if (!isHostNetwork(record.meta.config) && netns) {
      await this.deps.network.tearDown({ id, config: record.meta.config }, netns);
    }
    await this.deps.infra.stopInfra(infraBundleDir(record.meta), pinDir(record.meta));
    await this.deps.store.update(id, (status) => toNotReady(status, nowNs()));
  }

  async remove(idOrPrefix: string): Promise<void> {
    const found = this.deps.store.find(idOrPrefix);
    if (!found) return;
    await this.deps.store.locked(found.id, async () => {
      if (!this.deps.store.get(found.id)) return;
      await this.stopLocked(found.id);
      await allSteps(
        this.deps.containers.listInPod(found.id).map((container) => this.deps.containers.remove(container.id)),
      );
      await this.removeLeftovers(this.deps.store.get(found.id)!);
      await this.deps.store.remove(found.id);
    });
  }

  private async removeLeftovers(record: SandboxRecord): Promise<void> {
    const { meta } = record;
    if (ownsShm(meta)) await this.deps.mounts.unmount(meta.shmPath);
    await this.deps.cgroups.open(meta.infraCgroupPath).remove({ killRemaining: true });
    await this.deps.cgroups.open(meta.cgroupPath).remove({ killRemaining: true });
    await removeDirWithMountPoints(meta.sandboxDir, ownsShm(meta) ? [meta.shmPath] : []);
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

  /** Pod directories with no record (a RunPodSandbox cut short by a crash): infra, pins and shm go. */
  async sweepOrphans(): Promise<string[]> {
    const names = await fs.readdir(this.deps.sandboxesDir).catch(() => [] as string[]);
    const orphans = names.filter((id) => !this.deps.store.get(id));
    for (const id of orphans) {
      const dir = path.join(this.deps.sandboxesDir, id);
      await this.deps.infra.stopInfra(infraBundleDir({ sandboxDir: dir }), pinDir({ sandboxDir: dir }));
      await this.deps.mounts.unmount(path.join(dir, 'shm'));
      await removeDirWithMountPoints(dir, [path.join(dir, 'shm')]);
    }
    if (orphans.length > 0) log.warn('removed pods a crash left half-made', { ids: orphans });
    return orphans;
  }

  /** After a restart: a ready pod whose infra is gone is NOTREADY (its namespaces may be gone too). */
  async recover(): Promise<string[]> {
    const lost: string[] = [];
    for (const record of this.deps.store.list()) {
      if (record.status.state !== 'ready' || !record.status.infra) continue;
      if (await this.deps.isAlive(record.status.infra)) continue;
      await this.deps.store.update(record.id, (status) => toNotReady(status, nowNs()));
      lost.push(record.id);
    }
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
