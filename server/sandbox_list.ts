// ListPodSandbox: filtered by id prefix, state and labels.
import type { ListPodSandboxRequest__Output } from '../proto/generated/runtime/v1/ListPodSandboxRequest';
import type { ListPodSandboxResponse } from '../proto/generated/runtime/v1/ListPodSandboxResponse';
import type { ServerContext } from './context';
import { podSandboxToCri } from './cri_pod_status';

export async function sandboxList(
  ctx: ServerContext,
  request: ListPodSandboxRequest__Output,
): Promise<ListPodSandboxResponse> {
  const filter = request.filter;
  const state = filter?.state ? (filter.state.state === 'SANDBOX_READY' ? 'ready' : 'notready') : undefined;
  const records = ctx.lifecycle.sandboxes.list({ id: filter?.id || undefined, state, labels: filter?.label_selector });
  return { items: records.map(podSandboxToCri) };
}
