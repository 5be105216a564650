// StreamContainerStats: ListContainerStats as a server stream.
import type { StreamContainerStatsRequest__Output } from '../proto/generated/runtime/v1/StreamContainerStatsRequest';
import type { StreamContainerStatsResponse } from '../proto/generated/runtime/v1/StreamContainerStatsResponse';
import type { ServerContext } from './context';
import { containerStatsList } from './container_stats_list';
import { sendInPages } from './stream_pages';

export async function containerStatsStream(
  ctx: ServerContext,
  request: StreamContainerStatsRequest__Output,
  send: (message: StreamContainerStatsResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const { stats = [] } = await containerStatsList(ctx, { filter: request.filter });
  sendInPages(stats, (page) => send({ container_stats: page }), signal);
}
