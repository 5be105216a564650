// PortForward: validates a pod port-forward and returns its single-use URL. The ports a client
// forwards travel in the SPDY stream headers (as kubelet serves it), each checked there.
import { InvalidArgumentError } from '../runtime/errors';
import type { ServerContext } from './context';
import type { PortForwardRequest__Output } from '../proto/generated/runtime/v1/PortForwardRequest';
import type { PortForwardResponse } from '../proto/generated/runtime/v1/PortForwardResponse';
import { requireId, streamingOf } from './streaming/validate';

export async function sandboxPortForward(
  ctx: ServerContext,
  request: PortForwardRequest__Output,
): Promise<PortForwardResponse> {
  const streaming = streamingOf(ctx);
  for (const port of request.port) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`invalid port ${port}`);
  }
  const podSandboxId = await streaming.backend.readySandbox(requireId(request.pod_sandbox_id, 'pod_sandbox_id'));
  return { url: streaming.issue({ kind: 'portforward', podSandboxId, ports: [...request.port] }) };
}
