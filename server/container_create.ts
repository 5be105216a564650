// CreateContainer: everything prepared, the init waiting before execve.
import type { CreateContainerRequest__Output } from '../proto/generated/runtime/v1/CreateContainerRequest';
import type { CreateContainerResponse } from '../proto/generated/runtime/v1/CreateContainerResponse';
import type { ServerContext } from './context';
import { containerConfigFromCri } from './cri_container_config';

export async function containerCreate(
  ctx: ServerContext,
  request: CreateContainerRequest__Output,
): Promise<CreateContainerResponse> {
  const config = containerConfigFromCri(request.config);
  return { container_id: await ctx.lifecycle.sandboxes.createContainer(request.pod_sandbox_id, config) };
}
