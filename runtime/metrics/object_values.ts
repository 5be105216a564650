// The metric values of one container (or pod) from what was read of it: cgroup counters, its
// configured limits, process counts, its writable layer and its network interfaces.
import type { CgroupResources } from '../cgroups/resources';
import type { CgroupStats } from '../cgroups/stats';
import type { InterfaceCounters } from '../stats/net_dev';
import type { MetricWriter } from './metric_writer';

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MICROSECOND = 1_000n;

export interface ProcessCounts {
  processes: number;
  threads: number;
  fileDescriptors: number;
}

export interface FilesystemReading {
  device: string;
  usedBytes: number;
  inodesTotal?: number;
  inodesFree?: number;
}

export function writeCpu(w: MetricWriter, cpu: CgroupStats['cpu']): void {
  w.add('container_cpu_usage_seconds_total', cpu.usageNs / NS_PER_SECOND, ['total']);
  w.add('container_cpu_user_seconds_total', cpu.userNs / NS_PER_SECOND);
  w.add('container_cpu_system_seconds_total', cpu.systemNs / NS_PER_SECOND);
  w.add('container_cpu_cfs_periods_total', cpu.periods);
  w.add('container_cpu_cfs_throttled_periods_total', cpu.throttledPeriods);
  w.add('container_cpu_cfs_throttled_seconds_total', cpu.throttledNs / NS_PER_SECOND);
  w.add('container_cpu_usage_microseconds_total', cpu.usageNs / NS_PER_MICROSECOND, ['total']);
  w.add('container_cpu_user_microseconds_total', cpu.userNs / NS_PER_MICROSECOND);
  w.add('container_cpu_system_microseconds_total', cpu.systemNs / NS_PER_MICROSECOND);
  w.add('container_cpu_cfs_throttled_microseconds_total', cpu.throttledNs / NS_PER_MICROSECOND);
}

export function writeMemory(w: MetricWriter, memory: CgroupStats['memory'], oomEvents: number): void {
  w.add('container_memory_usage_bytes', memory.usageBytes);
  w.add('container_memory_working_set_bytes', memory.workingSetBytes);
  w.add('container_memory_rss', memory.rssBytes);
  w.add('container_memory_cache', memory.cacheBytes);
  w.add('container_memory_swap', memory.swapBytes ?? 0);
  w.add('container_memory_failcnt', memory.limitHits);
  // cAdvisor reports both scopes; the cgroup's counters already include its descendants.
  for (const scope of ['container', 'hierarchy']) {
    w.add('container_memory_failures_total', memory.pageFaults - memory.majorPageFaults, ['pgfault', scope]);
    w.add('container_memory_failures_total', memory.majorPageFaults, ['pgmajfault', scope]);
  }
  w.add('container_oom_events_total', oomEvents);
}

/** What the container was given: unset limits read as cAdvisor shows them (0). */
export function writeSpec(w: MetricWriter, resources: CgroupResources | undefined): void {
  w.add('container_spec_memory_limit_bytes', resources?.memoryLimitBytes ?? 0);
  w.add('container_spec_cpu_quota', resources?.cpuQuota ?? 0);
  w.add('container_spec_cpu_period', resources?.cpuPeriod ?? 0);
  w.add('container_spec_cpu_shares', resources?.cpuShares ?? 0);
}

export function writeProcesses(w: MetricWriter, counts: ProcessCounts): void {
  w.add('container_processes', counts.processes);
  w.add('container_threads', counts.threads);
  w.add('container_file_descriptors', counts.fileDescriptors);
}

export function writeFilesystem(w: MetricWriter, fs: FilesystemReading): void {
  w.add('container_fs_usage_bytes', fs.usedBytes, [fs.device]);
  if (fs.inodesTotal !== undefined) w.add('container_fs_inodes_total', fs.inodesTotal, [fs.device]);
  if (fs.inodesFree !== undefined) w.add('container_fs_inodes_free', fs.inodesFree, [fs.device]);
}

export function writeNetwork(w: MetricWriter, interfaces: InterfaceCounters[]): void {
  for (const i of interfaces) {
    const label = [i.name];
    w.add('container_network_receive_bytes_total', i.rxBytes, label);
    w.add('container_network_receive_packets_total', i.rxPackets, label);
    w.add('container_network_receive_errors_total', i.rxErrors, label);
    w.add('container_network_receive_packets_dropped_total', i.rxDropped, label);
    w.add('container_network_transmit_bytes_total', i.txBytes, label);
    w.add('container_network_transmit_packets_total', i.txPackets, label);
    w.add('container_network_transmit_errors_total', i.txErrors, label);
    w.add('container_network_transmit_packets_dropped_total', i.txDropped, label);
  }
}

/** Start time (ns since the epoch, "0" when never started) and now, in whole seconds. */
export function writeLife(w: MetricWriter, startedAtNs: bigint, nowNs: bigint): void {
  if (startedAtNs > 0n) w.add('container_start_time_seconds', startedAtNs / NS_PER_SECOND);
  w.add('container_last_seen', nowNs / NS_PER_SECOND);
}
