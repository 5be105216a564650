// ListPodSandboxMetrics: every pod with its own metrics and its running containers' metrics, from
// the latest collection (each sample carries the time it was read), encoded once per collection.
import type { ListPodSandboxMetricsRequest__Output } from '../proto/generated/runtime/v1/ListPodSandboxMetricsRequest';
import type { ServerContext } from './context';
import type { EncodedResponse } from './encoded_response';

export async function sandboxMetricsList(
  ctx: ServerContext,
  _request: ListPodSandboxMetricsRequest__Output,
): Promise<EncodedResponse> {
  return (await ctx.podMetrics.get()).list;
}
