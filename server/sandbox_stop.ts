// StopPodSandbox: every container killed, then the infra; idempotent, unknown IDs succeed.
import type { StopPodSandboxRequest__Output } from '../proto/generated/runtime/v1/StopPodSandboxRequest';
import type { StopPodSandboxResponse } from '../proto/generated/runtime/v1/StopPodSandboxResponse';
import type { ServerContext } from './context';

export async function sandboxStop(
  ctx: ServerContext,
  request: StopPodSandboxRequest__Output,
): Promise<StopPodSandboxResponse> {
  await ctx.lifecycle.sandboxes.stop(request.pod_sandbox_id);
  return {};
}
