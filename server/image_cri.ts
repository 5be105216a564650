// Image records as CRI messages, shared by the image RPCs.
import type { Image } from '../proto/generated/runtime/v1/Image';
import type { ImageSpec__Output } from '../proto/generated/runtime/v1/ImageSpec';
import { InvalidArgumentError } from '../runtime/errors';
import type { StoredImage } from '../runtime/image/image_store';

/** The config's user as CRI wants it: a numeric user as uid, a name as username, none as neither. */
export function criUser(user: string): { uid: { value: string } | null; username: string } {
  const name = user.split(':')[0];
  if (name === '') return { uid: null, username: '' };
  if (/^\d+$/.test(name)) return { uid: { value: name }, username: '' };
  return { uid: null, username: name };
}

export function toCriImage(image: StoredImage): Image {
  return {
    id: image.id,
    repo_tags: image.repoTags,
    repo_digests: image.repoDigests,
    size: String(image.size),
    ...criUser(image.config.user),
    spec: { image: image.id, annotations: {} },
    pinned: image.pinned,
  };
}

/** The image reference of a request's ImageSpec; an empty one is the caller's mistake. */
export function requestedImage(spec: ImageSpec__Output | null, rpc: string): string {
  const ref = spec?.image?.trim() ?? '';
  if (!ref) throw new InvalidArgumentError(`${rpc}: image reference is required`);
  return ref;
}
