// RunPodSandbox: a pod with its own namespaces (as asked), cgroup, /dev/shm and network.
// corral's infra runs no image, but kubelet and critest expect the sandbox image to be kept:
// when it is present it is pinned, so image garbage collection leaves it (as containerd does).
import type { RunPodSandboxRequest__Output } from '../proto/generated/runtime/v1/RunPodSandboxRequest';
import type { RunPodSandboxResponse } from '../proto/generated/runtime/v1/RunPodSandboxResponse';
import type { ServerContext } from './context';
import { podConfigFromCri } from './cri_pod_config';

async function pinSandboxImage(ctx: ServerContext): Promise<void> {
  const image = ctx.images.status(ctx.config.sandbox_image);
  if (image && !image.pinned) await ctx.images.setPinned(image.id, true);
}

export async function sandboxRun(
  ctx: ServerContext,
  request: RunPodSandboxRequest__Output,
): Promise<RunPodSandboxResponse> {
  const config = podConfigFromCri(request.config, request.runtime_handler);
  const podId = await ctx.lifecycle.sandboxes.run(config);
  await pinSandboxImage(ctx);
  return { pod_sandbox_id: podId };
}
