// ReopenContainerLog: the monitor reopens the log file after kubelet rotated it.
import type { ReopenContainerLogRequest__Output } from '../proto/generated/runtime/v1/ReopenContainerLogRequest';
import type { ReopenContainerLogResponse } from '../proto/generated/runtime/v1/ReopenContainerLogResponse';
import type { ServerContext } from './context';

export async function containerReopenLog(
  ctx: ServerContext,
  request: ReopenContainerLogRequest__Output,
): Promise<ReopenContainerLogResponse> {
  await ctx.lifecycle.containers.reopenLog(request.container_id);
  return {};
}
