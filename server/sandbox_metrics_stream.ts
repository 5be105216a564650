// StreamPodSandboxMetrics: ListPodSandboxMetrics as a server stream, in pages of the same
// collection (each encoded once).
import type { StreamPodSandboxMetricsRequest__Output } from '../proto/generated/runtime/v1/StreamPodSandboxMetricsRequest';
import type { ServerContext } from './context';
import type { EncodedResponse } from './encoded_response';

export async function sandboxMetricsStream(
  ctx: ServerContext,
  _request: StreamPodSandboxMetricsRequest__Output,
  send: (page: EncodedResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  for (const page of (await ctx.podMetrics.get()).pages) {
    if (signal.aborted) return;
    send(page);
  }
}
