// Samples for the stats RPCs: a container's cgroup counters and writable layer, a pod's cgroup
// counters, network counters (from inside its netns, through the infra process) and its
// containers. The CPU rate (usage_nano_cores) is taken against the previous sample of the same
// object. A part that cannot be read (cgroup gone, snapshot unknown) is left out, not an error.
import type { CgroupStats } from '../cgroups/stats';
import { nowNs } from '../cgroups/stats';
import type { ContainerRecord } from '../container/container_record';
import type { ContainerService } from '../container/container_service';
import { moduleLogger } from '../log';
import type { SandboxRecord } from '../sandbox/sandbox_record';
import { CpuRateTracker } from './cpu_rate';
import { podInterfaces, type InterfaceCounters } from './net_dev';

const log = moduleLogger('stats');

export interface ContainerSample {
  record: ContainerRecord;
  timestampNs: bigint;
  cgroup?: CgroupStats;
  nanoCores?: number;
  writableLayer?: { bytes: number; inodes: number; mountpoint: string };
}

export interface PodSample {
  record: SandboxRecord;
  timestampNs: bigint;
  cgroup?: CgroupStats;
  nanoCores?: number;
  network?: InterfaceCounters[];
  containers: ContainerSample[];
}

export class StatsService {
  private readonly rates = new CpuRateTracker();

  constructor(private readonly containers: ContainerService) {}

  async container(record: ContainerRecord): Promise<ContainerSample> {
    const { cgroups, snapshots } = this.containers.deps;
    const sample: ContainerSample = { record, timestampNs: nowNs() };
    sample.cgroup = await optional(() => cgroups.open(record.meta.cgroupPath).stats(), 'container cgroup', record.id);
    if (sample.cgroup) sample.nanoCores = this.rates.observe(record.id, sample.cgroup);
    const usage = await optional(() => snapshots.usage(record.id), 'writable layer', record.id);
    if (usage) sample.writableLayer = { ...usage, mountpoint: record.meta.rootfs };
    return sample;
  }

  async pod(record: SandboxRecord): Promise<PodSample> {
    const { cgroups } = this.containers.deps;
    const sample: PodSample = { record, timestampNs: nowNs(), containers: [] };
    sample.cgroup = await optional(() => cgroups.open(record.meta.cgroupPath).stats(), 'pod cgroup', record.id);
    if (sample.cgroup) sample.nanoCores = this.rates.observe(`pod:${record.id}`, sample.cgroup);
    const infra = record.status.infra;
    if (infra && record.status.state === 'ready' && record.meta.config.namespaces.network !== 'NODE') {
      sample.network = await optional(() => podInterfaces(infra.pid), 'pod network', record.id);
    }
    for (const container of this.containers.listInPod(record.id))
      sample.containers.push(await this.container(container));
    return sample;
  }

  /** Drops the rate history of containers and pods that no longer exist (called by the list RPCs). */
  forgetRemoved(): void {
    const { store, sandboxes } = this.containers.deps;
    this.rates.retain([...store.list().map((c) => c.id), ...sandboxes.list().map((p) => `pod:${p.id}`)]);
  }
}

async function optional<T>(read: () => Promise<T>, what: string, id: string): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    log.debug(`no ${what} stats`, { id, error: (err as Error).message });
    return undefined;
  }
}
