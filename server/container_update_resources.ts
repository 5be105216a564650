// UpdateContainerResources: new limits applied live to the container's cgroup and shown by
// ContainerStatus.resources; bad values → INVALID_ARGUMENT naming the field, nothing changed.
import type { UpdateContainerResourcesRequest__Output } from '../proto/generated/runtime/v1/UpdateContainerResourcesRequest';
import type { UpdateContainerResourcesResponse } from '../proto/generated/runtime/v1/UpdateContainerResourcesResponse';
import { InvalidArgumentError } from '../runtime/errors';
import type { ServerContext } from './context';
import { resourcesFromCri } from './cri_resources';

export async function containerUpdateResources(
  ctx: ServerContext,
  request: UpdateContainerResourcesRequest__Output,
): Promise<UpdateContainerResourcesResponse> {
  if (!request.linux)
    throw new InvalidArgumentError('linux resources are required (corral runs Linux containers only)');
  await ctx.lifecycle.containers.updateResources(request.container_id, resourcesFromCri(request.linux));
  return {};
}
