// StreamPodSandboxes: ListPodSandbox as a server stream.
import type { StreamPodSandboxesRequest__Output } from '../proto/generated/runtime/v1/StreamPodSandboxesRequest';
import type { StreamPodSandboxesResponse } from '../proto/generated/runtime/v1/StreamPodSandboxesResponse';
import type { ServerContext } from './context';
import { sandboxesMatching } from './sandbox_list';
import { podSandboxToCri } from './cri_pod_status';
import { sendInPages } from './stream_pages';

export async function sandboxStream(
  ctx: ServerContext,
  request: StreamPodSandboxesRequest__Output,
  send: (message: StreamPodSandboxesResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const items = sandboxesMatching(ctx, request.filter).map(podSandboxToCri);
  sendInPages(items, (page) => send({ pod_sandboxes: page }), signal);
}
