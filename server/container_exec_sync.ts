// ExecSync: runs a command in a running container and returns its output and exit code.
import type { ExecSyncRequest__Output } from '../proto/generated/runtime/v1/ExecSyncRequest';
import type { ExecSyncResponse } from '../proto/generated/runtime/v1/ExecSyncResponse';
import type { ServerContext } from './context';

export async function containerExecSync(
  ctx: ServerContext,
  request: ExecSyncRequest__Output,
): Promise<ExecSyncResponse> {
  const result = await ctx.lifecycle.containers.execSync(request.container_id, request.cmd, Number(request.timeout));
  return { stdout: result.stdout, stderr: result.stderr, exit_code: result.exitCode };
}
