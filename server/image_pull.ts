// PullImage: fetch the image (with the request's registry credentials) and answer its ID.
import type { PullImageRequest__Output } from '../proto/generated/runtime/v1/PullImageRequest';
import type { PullImageResponse } from '../proto/generated/runtime/v1/PullImageResponse';
import type { AuthConfig__Output } from '../proto/generated/runtime/v1/AuthConfig';
import type { RegistryCredentials } from '../runtime/image/registry/auth';
import type { ServerContext } from './context';
import { requestedImage } from './image_cri';

export async function imagePull(ctx: ServerContext, request: PullImageRequest__Output): Promise<PullImageResponse> {
  const image = await ctx.images.pull(requestedImage(request.image, 'PullImage'), credentials(request.auth));
  return { image_ref: image.id };
}

function credentials(auth: AuthConfig__Output | null): RegistryCredentials {
  if (!auth) return {};
  const orUndefined = (v: string) => (v === '' ? undefined : v);
  return {
    username: orUndefined(auth.username), password: orUndefined(auth.password), auth: orUndefined(auth.auth),
    identityToken: orUndefined(auth.identity_token), registryToken: orUndefined(auth.registry_token),
  };
}
