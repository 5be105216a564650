// Attach: validates an attach to a running container's stdio and returns its single-use URL.
import type { ServerContext } from './context';
import type { AttachRequest__Output } from '../proto/generated/runtime/v1/AttachRequest';
import type { AttachResponse } from '../proto/generated/runtime/v1/AttachResponse';
import { checkStdio, requireId, streamingOf } from './streaming/validate';

export async function containerAttach(ctx: ServerContext, request: AttachRequest__Output): Promise<AttachResponse> {
  const streaming = streamingOf(ctx);
  const options = checkStdio(request);
  const containerId = await streaming.backend.runningContainer(requireId(request.container_id, 'container_id'));
  return { url: streaming.issue({ kind: 'attach', containerId, options }) };
}
