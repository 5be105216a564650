// Manifest, index and layer media types corral accepts (OCI and Docker schema 2).
import { InvalidArgumentError } from '../errors';

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What we ask registries for, best first; schema 1 is deliberately absent. */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');

export type ManifestKind = 'index' | 'manifest';

/** Classifies a fetched manifest by its declared type, falling back to its shape. */
export function manifestKind(contentType: string, body: Record<string, unknown>, what: string): ManifestKind {
  const declared = (typeof body.mediaType === 'string' && body.mediaType) || contentType.split(';')[0].trim();
  if (declared === MT.dockerSchema1 || declared === MT.dockerSchema1Signed || body.schemaVersion === 1) {
    throw new InvalidArgumentError(
      `${what}: Docker schema 1 manifests are not supported; push the image with schema 2 or OCI`,
    );
  }
  if (declared === MT.ociIndex || declared === MT.dockerList) return 'index';
  if (declared === MT.ociManifest || declared === MT.dockerManifest) return 'manifest';
  if (Array.isArray(body.manifests)) return 'index';
  if (Array.isArray(body.layers) && body.config) return 'manifest';
  throw new InvalidArgumentError(`${what}: unsupported manifest media type ${JSON.stringify(declared)}`);
}
