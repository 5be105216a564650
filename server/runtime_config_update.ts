// UpdateRuntimeConfig: kubelet hands over the node's pod CIDR; corral keeps it for CNI.
import type { ServerContext } from './context';

import type { UpdateRuntimeConfigRequest__Output } from '../proto/generated/runtime/v1/UpdateRuntimeConfigRequest';
import type { UpdateRuntimeConfigResponse } from '../proto/generated/runtime/v1/UpdateRuntimeConfigResponse';

export async function runtimeConfigUpdate(
  ctx: ServerContext,
  request: UpdateRuntimeConfigRequest__Output,
): Promise<UpdateRuntimeConfigResponse> {
  await ctx.nodeSettings.setPodCidr(request.runtime_config?.network_config?.pod_cidr ?? '');
  return {};
}
