// ListContainers: filtered by id prefix, pod id prefix, state and labels.
import type { ListContainersRequest__Output } from '../proto/generated/runtime/v1/ListContainersRequest';
import type { ListContainersResponse } from '../proto/generated/runtime/v1/ListContainersResponse';
import type { ServerContext } from './context';
import { containerToCri, STATE_FROM_CRI } from './cri_container_status';

export async function containerList(
  ctx: ServerContext,
  request: ListContainersRequest__Output,
): Promise<ListContainersResponse> {
  const filter = request.filter;
  if (filter?.state && STATE_FROM_CRI[filter.state.state] === undefined) return { containers: [] };
  const records = ctx.lifecycle.containers.list({
    id: filter?.id || undefined,
    podId: filter?.pod_sandbox_id || undefined,
    state: filter?.state ? STATE_FROM_CRI[filter.state.state] : undefined,
    labels: filter?.label_selector,
  });
  return { containers: records.map(containerToCri) };
}
