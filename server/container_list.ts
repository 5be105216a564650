// ListContainers: filtered by id prefix, pod id prefix, state and labels, from memory; each
// container's entry is encoded once per version of its record (see encoded_items.ts).
import type { ListContainersRequest__Output } from '../proto/generated/runtime/v1/ListContainersRequest';
import { loadCriServices } from '../proto/load';
import type { ContainerRecord } from '../runtime/container/container_record';
import type { ServerContext } from './context';
import { containerToCri, STATE_FROM_CRI } from './cri_container_status';
import type { EncodedResponse } from './encoded_response';
import { EncodedItems } from './encoded_items';

const encoded = new EncodedItems(
  () => loadCriServices().RuntimeService.service.ListContainers,
  (record: ContainerRecord) => containerToCri(record),
  (item) => ({ containers: [item] }),
);

export async function containerList(
  ctx: ServerContext,
  request: ListContainersRequest__Output,
): Promise<EncodedResponse> {
  return encoded.response(containersMatching(ctx, request.filter));
}

/** The containers a ListContainers filter selects (StreamContainers shares it). */
export function containersMatching(
  ctx: ServerContext,
  filter: ListContainersRequest__Output['filter'],
): ContainerRecord[] {
  if (filter?.state && STATE_FROM_CRI[filter.state.state] === undefined) return [];
  return ctx.lifecycle.containers.list({
    id: filter?.id || undefined,
    podId: filter?.pod_sandbox_id || undefined,
    state: filter?.state ? STATE_FROM_CRI[filter.state.state] : undefined,
    labels: filter?.label_selector,
  });
}
