// A pod metrics collection ready to send: ListPodSandboxMetrics' response and
// StreamPodSandboxMetrics' pages, converted and encoded once per collection, so each request
// costs a buffer copy however many pods the node runs.
import { loadCriServices } from '../proto/load';
import type { PodMetrics } from '../runtime/metrics/metric_types';
import { podMetricsToCri } from './cri_metrics';
import { encodeResponse, type EncodedResponse } from './encoded_response';

/** A page stays well under a client's default 4 MiB message limit (a pod is some tens of KiB). */
const PODS_PER_PAGE = 50;

export interface MetricsSnapshot {
  list: EncodedResponse;
  pages: EncodedResponse[];
}

export function encodeMetricsSnapshot(pods: PodMetrics[]): MetricsSnapshot {
  const methods = loadCriServices().RuntimeService.service;
  const criPods = pods.map(podMetricsToCri);
  const pages: EncodedResponse[] = [];
  for (let i = 0; i < criPods.length; i += PODS_PER_PAGE) {
    pages.push(
      encodeResponse(methods.StreamPodSandboxMetrics, { pod_sandbox_metrics: criPods.slice(i, i + PODS_PER_PAGE) }),
    );
  }
  return { list: encodeResponse(methods.ListPodSandboxMetrics, { pod_metrics: criPods }), pages };
}
