// StreamImages: ListImages as a server stream, in pages so a large store never makes one huge message.
import type { StreamImagesRequest__Output } from '../proto/generated/runtime/v1/StreamImagesRequest';
import type { StreamImagesResponse } from '../proto/generated/runtime/v1/StreamImagesResponse';
import type { ServerContext } from './context';
import { imageList } from './image_list';

const PAGE = 500;

export async function imageStream(
  ctx: ServerContext, request: StreamImagesRequest__Output, send: (message: StreamImagesResponse) => void, signal: AbortSignal,
): Promise<void> {
  const { images = [] } = await imageList(ctx, { filter: request.filter });
  for (let i = 0; i < images.length && !signal.aborted; i += PAGE) send({ images: images.slice(i, i + PAGE) });
}
