// The metrics ListMetricDescriptors announces: cAdvisor's container metrics as kubelet serves
// them on /metrics/cadvisor (names, help, types), labelled like CRI-O's (id, name, image plus
// each metric's own). kubelet appends namespace, pod and container itself, so those are not here.
//
// Units: CRI values are unsigned integers that kubelet does not scale. cAdvisor's *_seconds_total
// names keep their unit, so they move in whole seconds; each has a *_microseconds_total twin that
// carries the exact figure, so short-lived or lightly loaded containers never read as zero.
import type { MetricDescriptor, MetricKind } from './metric_types';

export const BASE_LABEL_KEYS = ['id', 'name', 'image'];

function metric(name: string, kind: MetricKind, help: string, extraLabels: string[] = []): MetricDescriptor {
  return { name, kind, help, labelKeys: [...BASE_LABEL_KEYS, ...extraLabels] };
}

const counter = (name: string, help: string, extra?: string[]) => metric(name, 'counter', help, extra);
const gauge = (name: string, help: string, extra?: string[]) => metric(name, 'gauge', help, extra);

const CPU = [
  counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', ['cpu']),
  counter('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.'),
  counter('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.'),
  counter('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.'),
  counter('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.'),
  counter('container_cpu_cfs_throttled_seconds_total', 'Total time duration the container has been throttled.'),
  counter('container_cpu_usage_microseconds_total', 'Cumulative cpu time consumed in microseconds.', ['cpu']),
  counter('container_cpu_user_microseconds_total', 'Cumulative user cpu time consumed in microseconds.'),
  counter('container_cpu_system_microseconds_total', 'Cumulative system cpu time consumed in microseconds.'),
  counter(
    'container_cpu_cfs_throttled_microseconds_total',
    'Total time duration the container has been throttled, in microseconds.',
  ),
];

const MEMORY = [
  gauge(
    'container_memory_usage_bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed',
  ),
  gauge('container_memory_working_set_bytes', 'Current working set in bytes.'),
  gauge('container_memory_rss', 'Size of RSS in bytes.'),
  gauge('container_memory_cache', 'Number of bytes of page cache memory.'),
  gauge('container_memory_swap', 'Container swap usage in bytes.'),
  counter('container_memory_failcnt', 'Number of memory usage hits limits'),
  counter('container_memory_failures_total', 'Cumulative count of memory allocation failures.', [
    'failure_type',
    'scope',
  ]),
  counter('container_oom_events_total', 'Count of out of memory events observed for the container'),
];

const SPEC = [
  gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.'),
  gauge('container_spec_cpu_quota', 'CPU quota of the container.'),
  gauge('container_spec_cpu_period', 'CPU period of the container.'),
  gauge('container_spec_cpu_shares', 'CPU share of the container.'),
];

const PROCESSES = [
  gauge('container_processes', 'Number of processes running inside the container.'),
  gauge('container_threads', 'Number of threads running inside the container'),
  gauge('container_file_descriptors', 'Number of open file descriptors for the container.'),
];

const FILESYSTEM = [
  gauge('container_fs_usage_bytes', 'Number of bytes that are consumed by the container on this filesystem.', [
    'device',
  ]),
  gauge('container_fs_inodes_total', 'Number of available Inodes', ['device']),
  gauge('container_fs_inodes_free', 'Number of available Inodes', ['device']),
];

const NETWORK = [
  counter('container_network_receive_bytes_total', 'Cumulative count of bytes received', ['interface']),
  counter('container_network_receive_packets_total', 'Cumulative count of packets received', ['interface']),
  counter('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', [
    'interface',
  ]),
  counter('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', [
    'interface',
  ]),
  counter('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', ['interface']),
  counter('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', ['interface']),
  counter('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', [
    'interface',
  ]),
  counter(
    'container_network_transmit_packets_dropped_total',
    'Cumulative count of packets dropped while transmitting',
    ['interface'],
  ),
];

const LIFE = [
  gauge('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.'),
  gauge('container_last_seen', 'Last time a container was seen by the exporter'),
];

export const METRIC_DESCRIPTORS: readonly MetricDescriptor[] = [
  ...CPU,
  ...MEMORY,
  ...SPEC,
  ...PROCESSES,
  ...FILESYSTEM,
  ...NETWORK,
  ...LIFE,
];

const BY_NAME = new Map(METRIC_DESCRIPTORS.map((d) => [d.name, d]));

/** The descriptor of a metric name this module announces (a typo is a programming error). */
export function descriptorOf(name: string): MetricDescriptor {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`no metric descriptor named ${name}`);
  return found;
}
