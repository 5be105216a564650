// ListPodSandbox: filtered by id prefix, state and labels, from memory; each pod's entry is
// encoded once per version of its record (see encoded_items.ts).
import type { ListPodSandboxRequest__Output } from '../proto/generated/runtime/v1/ListPodSandboxRequest';
import { loadCriServices } from '../proto/load';
import type { SandboxRecord } from '../runtime/sandbox/sandbox_record';
import type { ServerContext } from './context';
import { podSandboxToCri } from './cri_pod_status';
import type { EncodedResponse } from './encoded_response';
import { EncodedItems } from './encoded_items';

const encoded = new EncodedItems(
  () => loadCriServices().RuntimeService.service.ListPodSandbox,
  (record: SandboxRecord) => podSandboxToCri(record),
  (item) => ({ items: [item] }),
);

export async function sandboxList(
  ctx: ServerContext,
  request: ListPodSandboxRequest__Output,
): Promise<EncodedResponse> {
  return encoded.response(sandboxesMatching(ctx, request.filter));
}

/** The pods a ListPodSandbox filter selects (StreamPodSandboxes shares it). */
export function sandboxesMatching(
  ctx: ServerContext,
  filter: ListPodSandboxRequest__Output['filter'],
): SandboxRecord[] {
  const state = filter?.state ? (filter.state.state === 'SANDBOX_READY' ? 'ready' : 'notready') : undefined;
  return ctx.lifecycle.sandboxes.list({ id: filter?.id || undefined, state, labels: filter?.label_selector });
}
