// ContainerStats: one container's CPU, memory and writable layer usage.
import type { ContainerStatsRequest__Output } from '../proto/generated/runtime/v1/ContainerStatsRequest';
import type { ContainerStatsResponse } from '../proto/generated/runtime/v1/ContainerStatsResponse';
import type { ServerContext } from './context';
import { containerStatsToCri } from './cri_stats';

export async function containerStats(
  ctx: ServerContext,
  request: ContainerStatsRequest__Output,
): Promise<ContainerStatsResponse> {
  const record = await ctx.lifecycle.containers.status(request.container_id);
  return { stats: containerStatsToCri(await ctx.stats.container(record)) };
}
