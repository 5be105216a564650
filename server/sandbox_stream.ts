// StreamPodSandboxes: ListPodSandbox as a server stream.
import type { StreamPodSandboxesRequest__Output } from '../proto/generated/runtime/v1/StreamPodSandboxesRequest';
import type { StreamPodSandboxesResponse } from '../proto/generated/runtime/v1/StreamPodSandboxesResponse';
import type { ServerContext } from './context';
import { sandboxList } from './sandbox_list';
import { sendInPages } from './stream_pages';

export async function sandboxStream(
  ctx: ServerContext,
  request: StreamPodSandboxesRequest__Output,
  send: (message: StreamPodSandboxesResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const { items = [] } = await sandboxList(ctx, { filter: request.filter });
  sendInPages(items, (page) => send({ pod_sandboxes: page }), signal);
}
