// corral's stats samples (cgroup counters, writable layer usage, pod network counters) in CRI's
// shapes. usage_nano_cores is there from an object's second sample on.
import type { ContainerStats } from '../proto/generated/runtime/v1/ContainerStats';
import type { CpuUsage } from '../proto/generated/runtime/v1/CpuUsage';
import type { FilesystemUsage } from '../proto/generated/runtime/v1/FilesystemUsage';
import type { MemoryUsage } from '../proto/generated/runtime/v1/MemoryUsage';
import type { NetworkUsage } from '../proto/generated/runtime/v1/NetworkUsage';
import type { PodSandboxStats } from '../proto/generated/runtime/v1/PodSandboxStats';
import type { ProcessUsage } from '../proto/generated/runtime/v1/ProcessUsage';
import type { UInt64Value } from '../proto/generated/runtime/v1/UInt64Value';
import type { CgroupStats } from '../runtime/cgroups/stats';
import type { InterfaceCounters } from '../runtime/stats/net_dev';
import type { ContainerSample, PodSample } from '../runtime/stats/stats_service';

const u64 = (n: number | bigint): UInt64Value => ({ value: String(n) });
const maybe = (n: number | bigint | undefined): UInt64Value | null => (n === undefined ? null : u64(n));

export function cpuToCri(s: CgroupStats, nanoCores: number | undefined): CpuUsage {
  return {
    timestamp: String(s.timestampNs),
    usage_core_nano_seconds: u64(s.cpu.usageNs),
    usage_nano_cores: maybe(nanoCores),
  };
}

export function memoryToCri(s: CgroupStats): MemoryUsage {
  const m = s.memory;
  return {
    timestamp: String(s.timestampNs),
    working_set_bytes: u64(m.workingSetBytes),
    available_bytes: maybe(m.availableBytes),
    usage_bytes: u64(m.usageBytes),
    rss_bytes: u64(m.rssBytes),
    page_faults: u64(m.pageFaults),
    major_page_faults: u64(m.majorPageFaults),
  };
}

export function processToCri(s: CgroupStats): ProcessUsage {
  return { timestamp: String(s.timestampNs), process_count: u64(s.pids.current) };
}

export function writableLayerToCri(
  usage: { bytes: number; inodes: number },
  mountpoint: string,
  timestampNs: bigint,
): FilesystemUsage {
  return {
    timestamp: String(timestampNs),
    fs_id: { mountpoint },
    used_bytes: u64(usage.bytes),
    inodes_used: u64(usage.inodes),
  };
}

/** The first non-loopback interface is the default (eth0 under the usual CNI configs). */
export function networkToCri(interfaces: InterfaceCounters[], timestampNs: bigint): NetworkUsage {
  const toCri = (i: InterfaceCounters) => ({
    name: i.name,
    rx_bytes: u64(i.rxBytes),
    rx_errors: u64(i.rxErrors),
    tx_bytes: u64(i.txBytes),
    tx_errors: u64(i.txErrors),
  });
  const preferred = interfaces.find((i) => i.name === 'eth0') ?? interfaces[0];
  return {
    timestamp: String(timestampNs),
    default_interface: preferred ? toCri(preferred) : null,
    interfaces: interfaces.map(toCri),
  };
}

export function containerStatsToCri(sample: ContainerSample): ContainerStats {
  const { record, cgroup, writableLayer } = sample;
  const config = record.meta.config;
  return {
    attributes: { id: record.id, metadata: config.metadata, labels: config.labels, annotations: config.annotations },
    cpu: cgroup ? cpuToCri(cgroup, sample.nanoCores) : null,
    memory: cgroup ? memoryToCri(cgroup) : null,
    writable_layer: writableLayer
      ? writableLayerToCri(writableLayer, writableLayer.mountpoint, sample.timestampNs)
      : null,
  };
}

export function podStatsToCri(sample: PodSample): PodSandboxStats {
  const { record, cgroup } = sample;
  const config = record.meta.config;
  return {
    attributes: { id: record.id, metadata: config.metadata, labels: config.labels, annotations: config.annotations },
    linux: {
      cpu: cgroup ? cpuToCri(cgroup, sample.nanoCores) : null,
      memory: cgroup ? memoryToCri(cgroup) : null,
      process: cgroup ? processToCri(cgroup) : null,
      network: sample.network ? networkToCri(sample.network, sample.timestampNs) : null,
      containers: sample.containers.map(containerStatsToCri),
    },
  };
}
