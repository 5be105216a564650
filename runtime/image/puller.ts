// PullImage's work: resolve the reference at the registry, pick the host's manifest, fetch
// config and layers (in parallel, bounded) into the content store, unpack each layer into its
// chain-ID directory, then record the image. Everything a pull fetched stays leased until the
// record is written, and is collected if the pull fails.
import { InvalidArgumentError } from '../errors';
import { moduleLogger } from '../log';
import type { ContentStore } from './content_store';
import { chainIds } from './chain_id';
import type { Lease } from './leases';
import { mapLimited } from './limit';
import type { LayerStore } from './layer_store';
import { manifestKind } from './media_types';
import { parseImageConfig, parseIndex, parseJsonObject, parseManifest, type Descriptor } from './manifest';
import { choosePlatform, type Platform } from './platform';
import { formatReference, repositoryName, type ImageReference } from './reference';
import { RegistryClient, type FetchedManifest } from './registry/client';
import type { Readable } from 'node:stream';
import type { RegistryCredentials } from './registry/auth';
import { endpointsFor, type RegistryHostsConfig } from './registry/hosts';
import type { HttpTimeouts } from './registry/bounded_http';
import { ImageUnpackBudget, type UnpackLimits } from './unpack/unpack_budget';
import type { StoredImage } from './image_store';
import type { PullTracker } from './pull_progress';

const log = moduleLogger('image-pull');

export interface PullContext {
  content: ContentStore;
  layers: LayerStore;
  hosts: RegistryHostsConfig;
  platform: Platform;
  parallelLayers: number;
  httpTimeouts: HttpTimeouts;
  unpackLimits: UnpackLimits;
}

/** Where an image's manifests and blobs come from: a registry, or an OCI layout on disk. */
export interface ImageSource {
  display: string;
  top(): Promise<FetchedManifest>;
  manifest(digest: string): Promise<FetchedManifest>;
  blob(digest: string): Promise<Readable>;
}

export interface PullRequest {
  ref: ImageReference;
  credentials: RegistryCredentials;
  lease: Lease;
  signal?: AbortSignal;
  /** Called with bytes as layer data arrives (for progress displays). */
  onBytes?: (bytes: number) => void;
  /** Per-layer progress for PullProgress. */
  tracker?: PullTracker;
}

/** Pulls from the registry; returns the record to store (not yet stored). */
export async function pullImage(ctx: PullContext, req: PullRequest): Promise<StoredImage> {
  const display = formatReference(req.ref);
  const endpoints = endpointsFor(req.ref.domain, ctx.hosts);
  const client = new RegistryClient(endpoints, req.ref.path, req.credentials, display, ctx.httpTimeouts);
  const source: ImageSource = {
    display,
    top: () => client.getManifest(req.ref.digest ?? req.ref.tag ?? 'latest', req.signal),
    manifest: (digest) => client.getManifest(digest, req.signal),
    blob: async (digest) => (await client.openBlob(digest, req.signal)).stream,
  };
  const image = await fetchImage(ctx, source, req.lease, req.onBytes, req.tracker);
  return {
    ...image,
    repoTags: req.ref.tag ? [display] : [],
    repoDigests: [`${repositoryName(req.ref)}@${image.indexDigest ?? image.manifestDigest}`],
  };
}

/** Fetches manifests, config and layers from `source` and unpacks the layers; no names set. */
export async function fetchImage(
  ctx: PullContext,
  source: ImageSource,
  lease: Lease,
  onBytes?: (n: number) => void,
  tracker?: PullTracker,
): Promise<StoredImage> {
  const display = source.display;
  const started = Date.now();
  const top = await source.top();
  let manifest = top;
  let indexDigest: string | undefined;
  if (manifestKind(top.contentType, parseJsonObject(top.bytes, display), display) === 'index') {
    const entry = choosePlatform(parseIndex(parseJsonObject(top.bytes, display), display), ctx.platform, display);
    manifest = await source.manifest(entry.digest);
    indexDigest = top.digest;
    if (manifestKind(manifest.contentType, parseJsonObject(manifest.bytes, display), display) !== 'manifest') {
      throw new InvalidArgumentError(`${display}: index entry ${entry.digest} is not an image manifest`);
    }
  }
  const parsed = parseManifest(parseJsonObject(manifest.bytes, display), display);
  const fetchBlob = (d: Descriptor, progress?: (n: number) => void) => {
    lease.blobs.add(d.digest);
    return ctx.content.ingest(d.digest, d.size, () => source.blob(d.digest), progress);
  };
  await fetchBlob(parsed.config);
  const config = parseImageConfig(
    parseJsonObject(await ctx.content.read(parsed.config.digest), `${display} config`),
    parsed.layers.length,
    display,
  );
  const chains = chainIds(config.diffIds);
  chains.forEach((c) => lease.chains.add(c));
  const budget = new ImageUnpackBudget(ctx.unpackLimits, display);
  tracker?.plan(parsed.layers);
  await mapLimited(parsed.layers, ctx.parallelLayers, async (layer, i) => {
    await fetchBlob(layer, (n) => {
      onBytes?.(n);
      tracker?.add(layer.digest, n);
    });
    tracker?.complete(layer.digest);
    await ctx.layers.ensure(chains[i], config.diffIds[i], ctx.content.path(layer.digest), budget);
  });
  for (const m of indexDigest ? [manifest, top] : [manifest]) {
    lease.blobs.add(m.digest);
    await ctx.content.putBytes(m.digest, m.bytes);
  }
  const size = manifest.bytes.length + parsed.config.size + parsed.layers.reduce((n, l) => n + l.size, 0);
  log.info('fetched image', { reference: display, id: parsed.config.digest, bytes: size, ms: Date.now() - started });
  return {
    id: parsed.config.digest,
    repoTags: [],
    repoDigests: [],
    size,
    pinned: false,
    config: config.runtime,
    configDigest: parsed.config.digest,
    manifestDigest: manifest.digest,
    indexDigest,
    layers: parsed.layers.map((l, i) => ({
      digest: l.digest,
      size: l.size,
      diffId: config.diffIds[i],
      chainId: chains[i],
    })),
    blobs: [...new Set([top.digest, manifest.digest, parsed.config.digest, ...parsed.layers.map((l) => l.digest)])],
  };
}
