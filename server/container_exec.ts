// Exec: validates a streaming exec and returns the single-use URL the client connects to.
import { InvalidArgumentError } from '../runtime/errors';
import type { ServerContext } from './context';
import type { ExecRequest__Output } from '../proto/generated/runtime/v1/ExecRequest';
import type { ExecResponse } from '../proto/generated/runtime/v1/ExecResponse';
import { checkStdio, requireId, streamingOf } from './streaming/validate';

export async function containerExec(ctx: ServerContext, request: ExecRequest__Output): Promise<ExecResponse> {
  const streaming = streamingOf(ctx);
  const options = checkStdio(request);
  if (request.cmd.length === 0) throw new InvalidArgumentError('cmd is required');
  const containerId = await streaming.backend.runningContainer(requireId(request.container_id, 'container_id'));
  return { url: streaming.issue({ kind: 'exec', containerId, options: { ...options, cmd: [...request.cmd] } }) };
}
