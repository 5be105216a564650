// Builds OCI (or Docker schema 2) images in memory: gzip layers, config, manifest, index.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { treeToTar, type TreeEntry } from './tree';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}

/** A manifest (or index) and every blob it needs, ready to push or write as an OCI layout. */
export interface BuiltImage {
  mediaType: string;
  manifest: Buffer;
  digest: string; // of the manifest bytes
  blobs: Map<string, Buffer>; // digest → bytes (layers and configs)
  children: BuiltImage[]; // manifests an index points at
}

export interface ImageConfigFields {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function buildImage(
  layers: TreeEntry[][],
  fields: ImageConfigFields,
  style: 'oci' | 'docker' = 'oci',
  architecture = 'amd64',
): Promise<BuiltImage> {
  const built: LayerBlob[] = [];
  for (const layer of layers) built.push(await treeLayer(layer));
  return assembleImage(built, fields, style, architecture);
}

/** One layer from a tree: its gzip blob and the digest of its tar. */
export async function treeLayer(layer: TreeEntry[]): Promise<LayerBlob> {
  const tarBytes = await treeToTar(layer);
  return { diffId: sha256(tarBytes), gz: gzipSync(tarBytes, { level: 6 }) };
}

/** A gzip layer made elsewhere (e.g. by tar(1) for big trees) and the digest of its tar. */
export interface LayerBlob {
  diffId: string;
  gz: Buffer;
}

export function assembleImage(
  layers: LayerBlob[],
  fields: ImageConfigFields,
  style: 'oci' | 'docker' = 'oci',
  architecture = 'amd64',
): BuiltImage {
  const blobs = new Map<string, Buffer>();
  const diffIds: string[] = [];
  const layerDescs: Descriptor[] = [];
  for (const { diffId, gz } of layers) {
    diffIds.push(diffId);
    blobs.set(sha256(gz), gz);
    layerDescs.push({
      mediaType: style === 'oci' ? MEDIA.ociLayerGzip : MEDIA.dockerLayerGzip,
      digest: sha256(gz),
      size: gz.length,
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        WorkingDir: '/',
        ...fields,
      },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'corral testimages' })),
    }),
  );
  blobs.set(sha256(config), config);
  const mediaType = style === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: style === 'oci' ? MEDIA.ociConfig : MEDIA.dockerConfig,
        digest: sha256(config),
        size: config.length,
      },
      layers: layerDescs,
    }),
  );
  return { mediaType, manifest, digest: sha256(manifest), blobs, children: [] };
}

/** An index / manifest list over per-platform images (each built with its architecture). */
export function buildIndex(
  images: { image: BuiltImage; architecture: string }[],
  style: 'oci' | 'docker' = 'oci',
): BuiltImage {
  const mediaType = style === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList;
  const manifests: Descriptor[] = images.map(({ image, architecture }) => ({
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.manifest.length,
    platform: { architecture, os: 'linux' },
  }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  return { mediaType, manifest, digest: sha256(manifest), blobs: new Map(), children: images.map((i) => i.image) };
}
