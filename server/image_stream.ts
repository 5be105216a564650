// StreamImages: ListImages as a server stream.
import type { StreamImagesRequest__Output } from '../proto/generated/runtime/v1/StreamImagesRequest';
import type { StreamImagesResponse } from '../proto/generated/runtime/v1/StreamImagesResponse';
import type { ServerContext } from './context';
import { imageList } from './image_list';
import { sendInPages } from './stream_pages';

export async function imageStream(
  ctx: ServerContext,
  request: StreamImagesRequest__Output,
  send: (message: StreamImagesResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const { images = [] } = await imageList(ctx, { filter: request.filter });
  sendInPages(images, (page) => send({ images: page }), signal);
}
