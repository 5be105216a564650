// StopContainer: the stop signal, SIGKILL to the whole tree after `timeout` seconds; idempotent.
import type { StopContainerRequest__Output } from '../proto/generated/runtime/v1/StopContainerRequest';
import type { StopContainerResponse } from '../proto/generated/runtime/v1/StopContainerResponse';
import type { ServerContext } from './context';

export async function containerStop(
  ctx: ServerContext,
  request: StopContainerRequest__Output,
): Promise<StopContainerResponse> {
  await ctx.lifecycle.containers.stop(request.container_id, Number(request.timeout));
  return {};
}
