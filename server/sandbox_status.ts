// PodSandboxStatus: state, IPs, namespace modes; `verbose` adds the infra pid and config.
import type { PodSandboxStatusRequest__Output } from '../proto/generated/runtime/v1/PodSandboxStatusRequest';
import type { PodSandboxStatusResponse } from '../proto/generated/runtime/v1/PodSandboxStatusResponse';
import { nowNs } from '../runtime/clock';
import type { ServerContext } from './context';
import { containerStatusToCri } from './cri_container_status';
import { podSandboxInfo, podSandboxStatusToCri } from './cri_pod_status';

export async function sandboxStatus(
  ctx: ServerContext,
  request: PodSandboxStatusRequest__Output,
): Promise<PodSandboxStatusResponse> {
  const record = ctx.lifecycle.sandboxes.status(request.pod_sandbox_id);
  const containers = ctx.lifecycle.containers.listInPod(record.id);
  return {
    status: podSandboxStatusToCri(record),
    info: request.verbose ? podSandboxInfo(record, ctx.config.sandbox_image) : {},
    containers_statuses: containers.map(containerStatusToCri),
    timestamp: nowNs(),
  };
}
