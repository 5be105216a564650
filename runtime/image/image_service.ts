// The image subsystem as the server sees it: pull, list, status, remove, filesystem usage and
// import, over one content store, layer store, image store and snapshotter under <root>.
//   <root>/image/content   blobs      <root>/image/layers   unpacked layers
//   <root>/image/records   images     <root>/snapshots      container rootfs snapshots
import * as path from 'node:path';
import { moduleLogger } from '../log';
import { KeyedMutex } from '../store/keyed_mutex';
import { ContentStore } from './content_store';
import type { ImageLookup } from './contract';
import { ImageStore, type StoredImage } from './image_store';
import { LayerStore } from './layer_store';
import { Leases, type Lease } from './leases';
import { hostPlatform, type Platform } from './platform';
import { pullImage, type PullContext } from './puller';
import { PullTracker, type PullSnapshot } from './pull_progress';
import { formatReference, parseReference } from './reference';
import type { RegistryCredentials } from './registry/auth';
import type { RegistryHostsConfig } from './registry/hosts';
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './registry/bounded_http';
import { DeadlineExceededError } from '../errors';
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from './unpack/unpack_budget';
import { OverlaySnapshotter } from './snapshotter';

const log = moduleLogger('images');

export interface ImageServiceOptions {
  root: string; // corral's persistent root
  registry: RegistryHostsConfig;
  platform?: Platform; // default: the host's linux platform
  parallelLayers?: number; // default 3
  /** References whose images are pinned (never garbage-collected by kubelet): the sandbox image. */
  pinned?: string[];
  /** A blob download that delivers nothing for this long fails; default 2 minutes. */
  stallTimeoutMs?: number;
  /** Connect + response headers, and body idle, for every registry request. */
  httpTimeouts?: HttpTimeouts;
  /** A pull (resolve, download, unpack) that takes longer fails with DEADLINE_EXCEEDED. */
  pullTimeoutMs?: number;
  unpackLimits?: UnpackLimits;
}

export const DEFAULT_PULL_TIMEOUT_MS = 60 * 60 * 1000;

export interface FsUsage {
  mountpoint: string;
  bytes: number;
  inodes: number;
}

export class ImageService {
  readonly content: ContentStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly snapshotter: OverlaySnapshotter;
  private readonly leases = new Leases();
  private readonly gcLock = new KeyedMutex();
  private readonly pulls = new Map<string, Promise<StoredImage>>();
  private readonly trackers = new Map<string, PullTracker>();
  private readonly pullContext: PullContext;
  private readonly pinnedRefs: Set<string>;
  private readonly pullTimeoutMs: number;
  readonly imageDir: string;

  constructor(opts: ImageServiceOptions) {
    this.imageDir = path.join(opts.root, 'image');
    this.content = new ContentStore(path.join(this.imageDir, 'content'), opts.stallTimeoutMs);
    this.layers = new LayerStore(path.join(this.imageDir, 'layers'));
    this.images = new ImageStore(path.join(this.imageDir, 'records'));
    this.snapshotter = new OverlaySnapshotter(
      path.join(opts.root, 'snapshots'),
      this.images,
      this.layers,
      (fn) => this.exclusive(fn),
      () => this.collectGarbage(),
    );
    this.pinnedRefs = new Set((opts.pinned ?? []).map((r) => formatReference(parseReference(r))));
    this.pullContext = {
      content: this.content,
      layers: this.layers,
      hosts: opts.registry,
      platform: opts.platform ?? hostPlatform(),
      parallelLayers: opts.parallelLayers ?? 3,
      httpTimeouts: opts.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS,
      unpackLimits: opts.unpackLimits ?? DEFAULT_UNPACK_LIMITS,
    };
    this.pullTimeoutMs = opts.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  }

  /** What container lifecycle code resolves images with. */
  get lookup(): ImageLookup {
    return this.images;
  }

  /** Loads records from disk and drops whatever a crash or a killed pull left unreferenced. */
  async load(): Promise<void> {
    await this.content.load();
    await this.layers.load();
    await this.images.load();
    await this.snapshotter.load();
    await this.collectGarbage();
  }

  /** Pulls `reference`; two pulls of the same reference at once share one download. */
  pull(reference: string, credentials: RegistryCredentials = {}, onBytes?: (n: number) => void): Promise<StoredImage> {
    const ref = parseReference(reference);
    const key = formatReference(ref);
    const running = this.pulls.get(key);
    if (running) return running;
    const tracker = new PullTracker(key);
    const job = this.pullOnce(ref, credentials, tracker, onBytes).finally(() => {
      this.pulls.delete(key);
      this.trackers.delete(key);
    });
    this.pulls.set(key, job);
    this.trackers.set(key, tracker);
    return job;
  }

  /** What the pull of `reference` in flight has fetched so far, per layer; undefined when none is. */
  pullProgress(reference: string): PullSnapshot | undefined {
    return this.trackers.get(formatReference(parseReference(reference)))?.snapshot();
  }

  private async pullOnce(
    ref: ReturnType<typeof parseReference>,
    credentials: RegistryCredentials,
    tracker: PullTracker,
    onBytes?: (n: number) => void,
  ): Promise<StoredImage> {
    const signal = AbortSignal.timeout(this.pullTimeoutMs);
    try {
      return await this.leased((lease) =>
        pullImage(this.pullContext, { ref, credentials, lease, onBytes, tracker, signal }),
      );
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new DeadlineExceededError(
        `pulling ${formatReference(ref)}: not done within its deadline of ${this.pullTimeoutMs / 1000}s ` +
          `(image.pull_timeout_seconds)`,
        { cause: err },
      );
    }
  }

  /** Imports every image of an OCI image layout (directory or tar). */
  async importLayout(source: string, name?: string): Promise<StoredImage[]> {
    const { importOciLayout } = await import('./oci_layout_import');
    const signal = AbortSignal.timeout(this.pullTimeoutMs);
    try {
      return await importOciLayout(source, name, (fetch) => this.leased(fetch), this.pullContext, signal);
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new DeadlineExceededError(
        `importing ${source}: not done within ${this.pullTimeoutMs / 1000}s (image.pull_timeout_seconds)`,
        { cause: err },
      );
    }
  }

  /** Runs a fetch under a lease, records its result, and collects garbage if it failed. */
  private async leased(fetch: (lease: Lease) => Promise<StoredImage>): Promise<StoredImage> {
    const lease = this.leases.open();
    try {
      const image = await fetch(lease);
      const pinned = image.pinned || image.repoTags.some((t) => this.pinnedRefs.has(t));
      return await this.exclusive(() => this.images.put({ ...image, pinned }));
    } catch (err) {
      lease.release();
      await this.collectGarbage().catch((gcErr) => log.warn('garbage collection failed', { error: String(gcErr) }));
      throw err;
    } finally {
      lease.release();
    }
  }

  /** Images matching `reference` (tag, digest or ID), or all of them. */
  list(reference?: string): StoredImage[] {
    if (!reference) return this.images.list();
    const found = this.images.find(reference);
    return found ? [found] : [];
  }

  status(reference: string): StoredImage | undefined {
    return this.images.find(reference);
  }

  /** Removes the image with every tag; idempotent. Layers a snapshot uses stay until it goes. */
  async remove(reference: string): Promise<void> {
    await this.exclusive(async () => {
      const image = this.images.find(reference);
      if (image) await this.images.delete(image.id);
    });
    await this.collectGarbage();
  }

  async setPinned(reference: string, pinned: boolean): Promise<void> {
    await this.exclusive(async () => {
      const image = this.images.resolve(reference);
      await this.images.write({ ...image, pinned });
    });
  }

  /** Deletes layers and blobs that no image, snapshot or in-flight pull uses. */
  async collectGarbage(): Promise<void> {
    await this.exclusive(async () => {
      const images = this.images.list();
      const chains = new Set([
        ...images.flatMap((i) => i.layers.map((l) => l.chainId)),
        ...this.snapshotter.chainIdsInUse(),
        ...this.leases.chains(),
      ]);
      const blobs = new Set([...images.flatMap((i) => i.blobs), ...this.leases.blobs()]);
      for (const chain of await this.layers.list()) if (!chains.has(chain)) await this.layers.remove(chain);
      for (const blob of await this.content.list()) if (!blobs.has(blob)) await this.content.delete(blob);
    });
  }

  /** ImageFsInfo: the image store's and the containers' writable layers' usage. */
  async fsInfo(): Promise<{ image: FsUsage; container: FsUsage }> {
    const image = { bytes: 0, inodes: 0 };
    for (const chain of await this.layers.list()) {
      const info = await this.layers.info(chain);
      image.bytes += info?.bytes ?? 0;
      image.inodes += info?.inodes ?? 0;
    }
    for (const blob of await this.content.list()) {
      image.bytes += await this.content.size(blob).catch(() => 0);
      image.inodes += 1;
    }
    const container = await this.snapshotter.totalUsage();
    return {
      image: { mountpoint: this.imageDir, ...image },
      container: { mountpoint: this.snapshotter.root, ...container },
    };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.gcLock.run('gc', fn);
  }
}
