// ListMetricDescriptors: the metrics ListPodSandboxMetrics returns (fixed for corrald's life).
import type { ListMetricDescriptorsRequest__Output } from '../proto/generated/runtime/v1/ListMetricDescriptorsRequest';
import type { ListMetricDescriptorsResponse } from '../proto/generated/runtime/v1/ListMetricDescriptorsResponse';
import { METRIC_DESCRIPTORS } from '../runtime/metrics/descriptors';
import type { ServerContext } from './context';
import { descriptorToCri } from './cri_metrics';

export async function metricDescriptorsList(
  _ctx: ServerContext,
  _request: ListMetricDescriptorsRequest__Output,
): Promise<ListMetricDescriptorsResponse> {
  return { descriptors: METRIC_DESCRIPTORS.map(descriptorToCri) };
}
