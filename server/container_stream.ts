// StreamContainers: ListContainers as a server stream.
import type { StreamContainersRequest__Output } from '../proto/generated/runtime/v1/StreamContainersRequest';
import type { StreamContainersResponse } from '../proto/generated/runtime/v1/StreamContainersResponse';
import type { ServerContext } from './context';
import { containersMatching } from './container_list';
import { containerToCri } from './cri_container_status';
import { sendInPages } from './stream_pages';

export async function containerStream(
  ctx: ServerContext,
  request: StreamContainersRequest__Output,
  send: (message: StreamContainersResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const containers = containersMatching(ctx, request.filter).map(containerToCri);
  sendInPages(containers, (page) => send({ containers: page }), signal);
}
