// RemoveContainer: forced and idempotent; the log file stays where kubelet put it.
import type { RemoveContainerRequest__Output } from '../proto/generated/runtime/v1/RemoveContainerRequest';
import type { RemoveContainerResponse } from '../proto/generated/runtime/v1/RemoveContainerResponse';
import type { ServerContext } from './context';

export async function containerRemove(
  ctx: ServerContext,
  request: RemoveContainerRequest__Output,
): Promise<RemoveContainerResponse> {
  await ctx.lifecycle.containers.remove(request.container_id);
  return {};
}
