// ContainerStatus: state, times, exit code and reason, image, mounts, log path; `verbose` adds
// the pid and the spec that was run.
import type { ContainerStatusRequest__Output } from '../proto/generated/runtime/v1/ContainerStatusRequest';
import type { ContainerStatusResponse } from '../proto/generated/runtime/v1/ContainerStatusResponse';
import type { ServerContext } from './context';
import { containerInfo, containerStatusToCri } from './cri_container_status';

export async function containerStatus(
  ctx: ServerContext,
  request: ContainerStatusRequest__Output,
): Promise<ContainerStatusResponse> {
  const record = await ctx.lifecycle.containers.status(request.container_id);
  return { status: containerStatusToCri(record), info: request.verbose ? containerInfo(record) : {} };
}
