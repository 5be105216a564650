// RunPodSandbox: a pod with its own namespaces (as asked), cgroup, /dev/shm and network.
import type { RunPodSandboxRequest__Output } from '../proto/generated/runtime/v1/RunPodSandboxRequest';
import type { RunPodSandboxResponse } from '../proto/generated/runtime/v1/RunPodSandboxResponse';
import type { ServerContext } from './context';
import { podConfigFromCri } from './cri_pod_config';

export async function sandboxRun(ctx: ServerContext, request: RunPodSandboxRequest__Output): Promise<RunPodSandboxResponse> {
  const config = podConfigFromCri(request.config, request.runtime_handler);
  return { pod_sandbox_id: await ctx.lifecycle.sandboxes.run(config) };
}
