// ListImages: every image, or those matching the filter's reference (tag, digest or ID).
import type { ListImagesRequest__Output } from '../proto/generated/runtime/v1/ListImagesRequest';
import type { ListImagesResponse } from '../proto/generated/runtime/v1/ListImagesResponse';
import type { ServerContext } from './context';
import { toCriImage } from './image_cri';
import type { StoredImage } from '../runtime/image/image_store';

export async function imageList(ctx: ServerContext, request: ListImagesRequest__Output): Promise<ListImagesResponse> {
  const filter = request.filter?.image?.image?.trim() || undefined;
  let images: StoredImage[];
  try {
    images = ctx.images.list(filter);
  } catch {
    images = []; // a filter that is no valid reference matches nothing
  }
  images.sort((a, b) => (a.repoTags[0] ?? a.id).localeCompare(b.repoTags[0] ?? b.id));
  return { images: images.map(toCriImage) };
}
