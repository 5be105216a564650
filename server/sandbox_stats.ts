// PodSandboxStats: a pod's cgroup usage, network counters, process count and its containers' stats.
import type { PodSandboxStatsRequest__Output } from '../proto/generated/runtime/v1/PodSandboxStatsRequest';
import type { PodSandboxStatsResponse } from '../proto/generated/runtime/v1/PodSandboxStatsResponse';
import type { ServerContext } from './context';
import { podStatsToCri } from './cri_stats';

export async function sandboxStats(
  ctx: ServerContext,
  request: PodSandboxStatsRequest__Output,
): Promise<PodSandboxStatsResponse> {
  const record = ctx.lifecycle.sandboxes.status(request.pod_sandbox_id);
  return { stats: podStatsToCri(await ctx.stats.pod(record)) };
}
