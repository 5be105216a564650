// RemoveImage: by ID, tag or digest, with every tag; removing an absent image succeeds.
import type { RemoveImageRequest__Output } from '../proto/generated/runtime/v1/RemoveImageRequest';
import type { RemoveImageResponse } from '../proto/generated/runtime/v1/RemoveImageResponse';
import type { ServerContext } from './context';
import { requestedImage } from './image_cri';

export async function imageRemove(
  ctx: ServerContext,
  request: RemoveImageRequest__Output,
): Promise<RemoveImageResponse> {
  await ctx.images.remove(requestedImage(request.image, 'RemoveImage'));
  return {};
}
