// corral's pod and container metrics in domain terms (the server layer turns them into CRI's
// Metric messages). Values are whole numbers because CRI carries them as UInt64Value, and kubelet
// turns each into a Prometheus sample with float64(value), unscaled.

export type MetricKind = 'counter' | 'gauge';

export interface MetricDescriptor {
  name: string;
  help: string;
  kind: MetricKind;
  /** Label names, in the order of MetricSample.labels. */
  labelKeys: string[];
}

export interface MetricSample {
  name: string;
  kind: MetricKind;
  labels: string[];
  value: bigint;
  /** When the value was read, ns since the epoch. */
  timestampNs: bigint;
}

export interface ContainerMetrics {
  containerId: string;
  metrics: MetricSample[];
}

export interface PodMetrics {
  podId: string;
  metrics: MetricSample[];
  containers: ContainerMetrics[];
}
