// Reads every pod's and container's metrics once: cgroup counters from the same v1/v2 drivers as
// the stats RPCs (but not their CPU-rate tracker), process counts, writable layers and the pod's
// network interfaces. Pods are read side by side with a bound, so a large node does not queue
// thousands of file reads at once. Parts that cannot be read (an object going away) are left out.
import { promises as fs } from 'node:fs';
import { nowNs } from '../cgroups/stats';
import type { ContainerRecord } from '../container/container_record';
import type { ContainerService } from '../container/container_service';
import { moduleLogger } from '../log';
import type { SandboxRecord } from '../sandbox/sandbox_record';
import { podInterfaces } from '../stats/net_dev';
import type { ContainerMetrics, PodMetrics } from './metric_types';
import { MetricWriter } from './metric_writer';
import {
  type FilesystemReading,
  writeCpu,
  writeFilesystem,
  writeLife,
  writeMemory,
  writeNetwork,
  writeProcesses,
  writeSpec,
} from './object_values';
import { processCounts } from './process_counts';

const log = moduleLogger('metrics');
/** Few at once: each pod is dozens of small reads on libuv's pool, which create and start share. */
const PODS_AT_ONCE = 4;
/** Writable-layer usage walks the layer: like cAdvisor, corral reads it at most this often. */
const FS_USAGE_MAX_AGE_MS = 30_000;

export class PodMetricsCollector {
  private readonly fsUsage = new Map<string, { readAtMs: number; reading: FilesystemReading }>();

  constructor(private readonly containers: ContainerService) {}

  async collect(): Promise<PodMetrics[]> {
    const pods = this.containers.deps.sandboxes.list();
    const out: PodMetrics[] = [];
    for (let i = 0; i < pods.length; i += PODS_AT_ONCE) {
      out.push(...(await Promise.all(pods.slice(i, i + PODS_AT_ONCE).map((pod) => this.pod(pod)))));
    }
    const listed = new Set(out.flatMap((p) => p.containers.map((c) => c.containerId)));
    for (const id of this.fsUsage.keys()) if (!listed.has(id)) this.fsUsage.delete(id);
    return out;
  }

  private async pod(record: SandboxRecord): Promise<PodMetrics> {
    const timestampNs = nowNs();
    const w = new MetricWriter([record.id, record.meta.config.metadata.name, ''], timestampNs);
    const cgroup = this.containers.deps.cgroups.open(record.meta.cgroupPath);
    await optional('pod cgroup', record.id, async () => {
      const stats = await cgroup.stats();
      writeCpu(w, stats.cpu);
      writeMemory(w, stats.memory, await cgroup.oomKillCount());
      writeProcesses(w, await processCounts(await cgroup.pids()));
    });
    const infra = record.status.infra;
    if (infra && record.status.state === 'ready' && record.meta.config.namespaces.network !== 'NODE') {
      await optional('pod network', record.id, async () => writeNetwork(w, await podInterfaces(infra.pid)));
    }
    writeLife(w, BigInt(record.meta.createdAt), timestampNs);
    const running = this.containers.listInPod(record.id).filter((c) => c.status.state === 'running');
    const containers = await Promise.all(running.map((c) => this.container(c)));
    return { podId: record.id, metrics: w.samples, containers };
  }

  private async container(record: ContainerRecord): Promise<ContainerMetrics> {
    const { cgroups } = this.containers.deps;
    const timestampNs = nowNs();
    const meta = record.meta;
    const w = new MetricWriter([record.id, meta.config.metadata.name, meta.image.name], timestampNs);
    const cgroup = cgroups.open(meta.cgroupPath);
    await optional('container cgroup', record.id, async () => {
      const stats = await cgroup.stats();
      writeCpu(w, stats.cpu);
      writeMemory(w, stats.memory, await cgroup.oomKillCount());
      writeProcesses(w, await processCounts(await cgroup.pids()));
    });
    writeSpec(w, record.status.resources ?? meta.config.resources);
    await optional('writable layer', record.id, async () => writeFilesystem(w, await this.filesystem(record)));
    writeLife(w, BigInt(record.status.startedAt), timestampNs);
    return { containerId: record.id, metrics: w.samples };
  }

  private async filesystem(record: ContainerRecord): Promise<FilesystemReading> {
    const cached = this.fsUsage.get(record.id);
    if (cached && Date.now() - cached.readAtMs < FS_USAGE_MAX_AGE_MS) return cached.reading;
    const meta = record.meta;
    const [usage, space] = await Promise.all([
      this.containers.deps.snapshots.usage(record.id),
      fs.statfs(meta.containerDir),
    ]);
    const reading = { device: meta.rootfs, usedBytes: usage.bytes, inodesTotal: space.files, inodesFree: space.ffree };
    this.fsUsage.set(record.id, { readAtMs: Date.now(), reading });
    return reading;
  }
}

async function optional(what: string, id: string, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (err) {
    log.debug(`no ${what} metrics`, { id, error: (err as Error).message });
  }
}
