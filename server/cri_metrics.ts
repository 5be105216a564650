// corral's pod and container metrics in CRI's shapes (Metric.value is a UInt64Value).
import type { Metric } from '../proto/generated/runtime/v1/Metric';
import type { MetricDescriptor as CriMetricDescriptor } from '../proto/generated/runtime/v1/MetricDescriptor';
import type { PodSandboxMetrics } from '../proto/generated/runtime/v1/PodSandboxMetrics';
import type { MetricDescriptor, MetricSample, PodMetrics } from '../runtime/metrics/metric_types';

export function descriptorToCri(d: MetricDescriptor): CriMetricDescriptor {
  return { name: d.name, help: d.help, label_keys: d.labelKeys };
}

function metricToCri(m: MetricSample): Metric {
  return {
    name: m.name,
    timestamp: String(m.timestampNs),
    metric_type: m.kind === 'counter' ? 'COUNTER' : 'GAUGE',
    label_values: m.labels,
    value: { value: String(m.value) },
  };
}

export function podMetricsToCri(pod: PodMetrics): PodSandboxMetrics {
  return {
    pod_sandbox_id: pod.podId,
    metrics: pod.metrics.map(metricToCri),
    container_metrics: pod.containers.map((c) => ({
      container_id: c.containerId,
      metrics: c.metrics.map(metricToCri),
    })),
  };
}
