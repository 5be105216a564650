// ListContainerStats: stats of every container matching the filter (id prefix, pod id prefix, labels).
import type { ListContainerStatsRequest__Output } from '../proto/generated/runtime/v1/ListContainerStatsRequest';
import type { ListContainerStatsResponse } from '../proto/generated/runtime/v1/ListContainerStatsResponse';
import type { ServerContext } from './context';
import { containerStatsToCri } from './cri_stats';

export async function containerStatsList(
  ctx: ServerContext,
  request: ListContainerStatsRequest__Output,
): Promise<ListContainerStatsResponse> {
  const filter = request.filter;
  const records = ctx.lifecycle.containers.list({
    id: filter?.id || undefined,
    podId: filter?.pod_sandbox_id || undefined,
    labels: filter?.label_selector,
  });
  const samples = await Promise.all(records.map((record) => ctx.stats.container(record)));
  ctx.stats.forgetRemoved();
  return { stats: samples.map(containerStatsToCri) };
}
