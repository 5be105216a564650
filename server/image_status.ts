// ImageStatus: the image, or a nil image when absent (not an error); verbose adds its config.
import type { ImageStatusRequest__Output } from '../proto/generated/runtime/v1/ImageStatusRequest';
import type { ImageStatusResponse } from '../proto/generated/runtime/v1/ImageStatusResponse';
import type { ServerContext } from './context';
import { requestedImage, toCriImage } from './image_cri';

export async function imageStatus(
  ctx: ServerContext,
  request: ImageStatusRequest__Output,
): Promise<ImageStatusResponse> {
  const image = ctx.images.status(requestedImage(request.image, 'ImageStatus'));
  if (!image) return { image: null, info: {} };
  const info: Record<string, string> = {};
  if (request.verbose) {
    const config = JSON.parse((await ctx.images.content.read(image.configDigest)).toString('utf8')) as unknown;
    info.info = JSON.stringify({
      imageSpec: config,
      chainID: image.layers[image.layers.length - 1]?.chainId ?? '',
      manifestDigest: image.manifestDigest,
      indexDigest: image.indexDigest,
      layers: image.layers,
      pinned: image.pinned,
    });
  }
  return { image: toCriImage(image), info };
}
