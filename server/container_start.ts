// StartContainer: releases the waiting init into execve.
import type { StartContainerRequest__Output } from '../proto/generated/runtime/v1/StartContainerRequest';
import type { StartContainerResponse } from '../proto/generated/runtime/v1/StartContainerResponse';
import type { ServerContext } from './context';

export async function containerStart(
  ctx: ServerContext,
  request: StartContainerRequest__Output,
): Promise<StartContainerResponse> {
  await ctx.lifecycle.containers.start(request.container_id);
  return {};
}
