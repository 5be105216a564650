// PullImage: fetch the image (with the request's registry credentials) and answer its ID.
// "oci-layout:/path" imports an OCI image layout from this host instead (corralctl image import).
import type { PullImageRequest__Output } from '../proto/generated/runtime/v1/PullImageRequest';
import type { PullImageResponse } from '../proto/generated/runtime/v1/PullImageResponse';
import type { AuthConfig__Output } from '../proto/generated/runtime/v1/AuthConfig';
import type { RegistryCredentials } from '../runtime/image/registry/auth';
import type { ServerContext } from './context';
import { requestedImage } from './image_cri';
import { IMPORT_NAME_ANNOTATION, importPath } from '../runtime/image/import_reference';
import { InvalidArgumentError } from '../runtime/errors';

export async function imagePull(ctx: ServerContext, request: PullImageRequest__Output): Promise<PullImageResponse> {
  const reference = requestedImage(request.image, 'PullImage');
  const layout = importPath(reference);
  if (layout !== undefined) {
    // corralctl image import: an OCI layout on this host instead of a registry.
    const imported = await ctx.images.importLayout(
      layout,
      request.image?.annotations?.[IMPORT_NAME_ANNOTATION] || undefined,
    );
    if (imported.length === 0) throw new InvalidArgumentError(`${layout}: the OCI layout lists no images`);
    return { image_ref: imported[0].id };
  }
  const image = await timedPull(ctx, () =>
    ctx.images.pull(reference, credentials(request.auth), (bytes) => ctx.daemonMetrics?.addPullBytes(bytes)),
  );
  return { image_ref: image.id };
}

async function timedPull<T>(ctx: ServerContext, pull: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const image = await pull();
    ctx.daemonMetrics?.observePull(true, seconds());
    return image;
  } catch (err) {
    ctx.daemonMetrics?.observePull(false, seconds());
    throw err;
  }
}

function credentials(auth: AuthConfig__Output | null): RegistryCredentials {
  if (!auth) return {};
  const orUndefined = (v: string) => (v === '' ? undefined : v);
  return {
    username: orUndefined(auth.username),
    password: orUndefined(auth.password),
    auth: orUndefined(auth.auth),
    identityToken: orUndefined(auth.identity_token),
    registryToken: orUndefined(auth.registry_token),
  };
}
