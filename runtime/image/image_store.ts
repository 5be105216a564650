// Image records, one JSON file per image (<root>/<id hex>.json, written atomically), indexed in
// memory by ID, tag and repo digest. A tag belongs to one image: tagging another moves it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NotFoundError } from '../errors';
import { resolveIdPrefix } from '../ids';
import { readJsonIfExists, removeStaleTemps, writeJsonAtomic } from '../store/atomic_file';
import type { ImageLookup, ImageRecord } from './contract';
import { formatReference, parseReference } from './reference';

export interface StoredLayer {
  digest: string;
  size: number;
  diffId: string;
  chainId: string;
}

export interface StoredImage extends ImageRecord {
  configDigest: string;
  manifestDigest: string; // the platform manifest
  indexDigest?: string; // set when pulled through an index / manifest list
  layers: StoredLayer[];
  /** Every blob this image keeps alive: index, manifest, config, layers. */
  blobs: string[];
}

const FULL_ID = /^sha256:[0-9a-f]{64}$/;
const HEX_PREFIX = /^[0-9a-f]{1,64}$/;

export class ImageStore implements ImageLookup {
  private readonly images = new Map<string, StoredImage>();

  constructor(readonly root: string) {}

  async load(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    await removeStaleTemps(this.root);
    for (const name of await fs.readdir(this.root)) {
      if (!name.endsWith('.json')) continue;
      const image = await readJsonIfExists<StoredImage>(path.join(this.root, name));
      if (image) this.images.set(image.id, image);
    }
  }

  list(): StoredImage[] {
    return [...this.images.values()];
  }

  get(id: string): StoredImage | undefined {
    return this.images.get(id);
  }

  /** ID, unique hex prefix of an ID, tag or digest reference → image; NotFoundError otherwise. */
  resolve(reference: string): StoredImage {
    const found = this.find(reference);
    if (!found) throw new NotFoundError(`image ${JSON.stringify(reference)} not found`);
    return found;
  }

  find(reference: string): StoredImage | undefined {
    if (FULL_ID.test(reference)) return this.images.get(reference);
    if (HEX_PREFIX.test(reference)) {
      try {
        return this.images.get(`sha256:${resolveIdPrefix(reference, this.hexIds(), 'image')}`);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    const normal = formatReference(parseReference(reference));
    for (const image of this.images.values()) {
      if (image.repoTags.includes(normal) || image.repoDigests.includes(normal)) return image;
    }
    return undefined;
  }

  private *hexIds(): Iterable<string> {
    for (const id of this.images.keys()) yield id.slice(7);
  }

  /** Adds or merges an image, moving its tags off any other image that held them. */
  async put(image: StoredImage): Promise<StoredImage> {
    const existing = this.images.get(image.id);
    const merged: StoredImage = existing
      ? {
          ...image,
          repoTags: union(existing.repoTags, image.repoTags),
          repoDigests: union(existing.repoDigests, image.repoDigests),
          pinned: existing.pinned || image.pinned,
          blobs: union(existing.blobs, image.blobs),
        }
      : image;
    for (const other of this.images.values()) {
      if (other.id === image.id || !other.repoTags.some((t) => image.repoTags.includes(t))) continue;
      await this.write({ ...other, repoTags: other.repoTags.filter((t) => !image.repoTags.includes(t)) });
    }
    await this.write(merged);
    return merged;
  }

  async write(image: StoredImage): Promise<void> {
    await writeJsonAtomic(path.join(this.root, `${image.id.slice(7)}.json`), image);
    this.images.set(image.id, image);
  }

  async delete(id: string): Promise<void> {
    await fs.rm(path.join(this.root, `${id.slice(7)}.json`), { force: true });
    this.images.delete(id);
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
