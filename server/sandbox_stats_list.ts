// ListPodSandboxStats: stats of every pod matching the filter (id prefix, labels).
import type { ListPodSandboxStatsRequest__Output } from '../proto/generated/runtime/v1/ListPodSandboxStatsRequest';
import type { ListPodSandboxStatsResponse } from '../proto/generated/runtime/v1/ListPodSandboxStatsResponse';
import type { ServerContext } from './context';
import { podStatsToCri } from './cri_stats';

export async function sandboxStatsList(
  ctx: ServerContext,
  request: ListPodSandboxStatsRequest__Output,
): Promise<ListPodSandboxStatsResponse> {
  const filter = request.filter;
  const records = ctx.lifecycle.sandboxes.list({ id: filter?.id || undefined, labels: filter?.label_selector });
  const samples = await Promise.all(records.map((record) => ctx.stats.pod(record)));
  ctx.stats.forgetRemoved();
  return { stats: samples.map(podStatsToCri) };
}
