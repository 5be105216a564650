// RemovePodSandbox: forced (a ready pod is stopped first) and idempotent; logs stay.
import type { RemovePodSandboxRequest__Output } from '../proto/generated/runtime/v1/RemovePodSandboxRequest';
import type { RemovePodSandboxResponse } from '../proto/generated/runtime/v1/RemovePodSandboxResponse';
import type { ServerContext } from './context';

export async function sandboxRemove(
  ctx: ServerContext,
  request: RemovePodSandboxRequest__Output,
): Promise<RemovePodSandboxResponse> {
  await ctx.lifecycle.sandboxes.remove(request.pod_sandbox_id);
  return {};
}
