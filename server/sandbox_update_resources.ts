// UpdatePodSandboxResources: the pod cgroup's limits (the containers' sum plus overhead), live.
import type { UpdatePodSandboxResourcesRequest__Output } from '../proto/generated/runtime/v1/UpdatePodSandboxResourcesRequest';
import type { UpdatePodSandboxResourcesResponse } from '../proto/generated/runtime/v1/UpdatePodSandboxResourcesResponse';
import type { ServerContext } from './context';
import { podResourcesFromCri } from './cri_pod_config';

export async function sandboxUpdateResources(
  ctx: ServerContext,
  request: UpdatePodSandboxResourcesRequest__Output,
): Promise<UpdatePodSandboxResourcesResponse> {
  const resources = podResourcesFromCri(request.resources, request.overhead);
  if (resources) await ctx.lifecycle.sandboxes.updateResources(request.pod_sandbox_id, resources);
  else ctx.lifecycle.sandboxes.status(request.pod_sandbox_id); // still NOT_FOUND for an unknown pod
  return {};
}
