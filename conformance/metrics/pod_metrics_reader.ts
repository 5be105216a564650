// Reads one pod's metrics from ListPodSandboxMetrics as labelled samples, for the metrics tests.
import assert from 'node:assert/strict';
import type { CriClient } from '../../cli/cri_client';

export interface Sample {
  labels: Record<string, string>;
  value: bigint;
  timestamp: bigint;
}

export class PodMetricsReader {
  constructor(
    private readonly client: CriClient,
    private readonly podId: string,
  ) {}

  /** The samples of `name` for the pod (containerId undefined) or one of its containers. */
  async samples(name: string, containerId?: string): Promise<Sample[]> {
    const { descriptors } = await this.client.runtime('ListMetricDescriptors', {});
    const keys = descriptors.find((d) => d.name === name)!.label_keys;
    const { pod_metrics } = await this.client.runtime('ListPodSandboxMetrics', {});
    const ours = pod_metrics.find((p) => p.pod_sandbox_id === this.podId);
    assert.ok(ours, `pod ${this.podId} is listed`);
    const metrics = containerId
      ? (ours.container_metrics.find((c) => c.container_id === containerId)?.metrics ?? [])
      : ours.metrics;
    return metrics
      .filter((m) => m.name === name)
      .map((m) => ({
        labels: Object.fromEntries(keys.map((k, i) => [k, m.label_values[i]])),
        value: BigInt(m.value!.value),
        timestamp: BigInt(m.timestamp),
      }));
  }

  async value(name: string, containerId?: string, labels: Record<string, string> = {}): Promise<bigint> {
    const found = (await this.samples(name, containerId)).find((s) =>
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    assert.ok(found, `${name} ${JSON.stringify(labels)} of ${containerId ?? 'the pod'}`);
    return found.value;
  }
}
