// StreamPodSandboxStats: ListPodSandboxStats as a server stream.
import type { StreamPodSandboxStatsRequest__Output } from '../proto/generated/runtime/v1/StreamPodSandboxStatsRequest';
import type { StreamPodSandboxStatsResponse } from '../proto/generated/runtime/v1/StreamPodSandboxStatsResponse';
import type { ServerContext } from './context';
import { sandboxStatsList } from './sandbox_stats_list';
import { sendInPages } from './stream_pages';

export async function sandboxStatsStream(
  ctx: ServerContext,
  request: StreamPodSandboxStatsRequest__Output,
  send: (message: StreamPodSandboxStatsResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const { stats = [] } = await sandboxStatsList(ctx, { filter: request.filter });
  sendInPages(stats, (page) => send({ pod_sandbox_stats: page }), signal);
}
