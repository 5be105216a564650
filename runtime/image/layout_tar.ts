// `image import` of a tar: the OCI image layout taken out of it into a temporary directory. Only
// the layout's own files are written (index.json, oci-layout, blobs/sha256/<hex>); any other
// entry is read past, never written. Whoever made the tar chose how many entries it has and how
// big they say they are, so every entry is charged from its header before anything is written:
// past a cap the import stops with RESOURCE_EXHAUSTED and the caller removes what was written.
import { createReadStream, createWriteStream, promises as fs, statfsSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidArgumentError, ResourceExhaustedError } from '../errors';
import type { UnpackLimits } from './unpack/unpack_budget';

/** Blob files one import may write: a layout holds each image's manifest, config and layers. */
export const MAX_IMPORT_BLOBS = 10_000;
/** Entries of any kind one tar may hold, the ones read past included. */
export const MAX_IMPORT_TAR_ENTRIES = 100_000;
/** index.json and oci-layout are small JSON files (a manifest from a registry gets 4 MiB too). */
export const MAX_LAYOUT_FILE_BYTES = 4 * 1024 * 1024;

const BLOB_NAME = /^blobs\/sha256\/[a-f0-9]{64}$/;

/** Extracts the layout in `file` into `dest`; `signal` ends it (the import's deadline). */
export async function extractLayoutTar(
  file: string,
  dest: string,
  limits: UnpackLimits,
  signal?: AbortSignal,
): Promise<void> {
  await fs.mkdir(path.join(dest, 'blobs', 'sha256'), { recursive: true });
  const budget = new ExtractBudget(file, dest, limits);
  const extract = tar.extract();
  const feeding = pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream, { signal });
  feeding.catch(() => undefined); // awaited below, or the loop's own error wins
  for await (const entry of extract) {
    const name = entry.header.name.replace(/^\.\//, '');
    if (!budget.wanted(entry.header.type ?? 'file', name, entry.header.size ?? 0)) {
      entry.resume();
      continue;
    }
    await pipeline(entry, createWriteStream(path.join(dest, name), { mode: 0o600 }), { signal });
  }
  await feeding;
}

class ExtractBudget {
  private entries = 0;
  private blobs = 0;
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(
    private readonly file: string,
    dest: string,
    limits: UnpackLimits,
  ) {
    const fs = statfsSync(dest);
    this.maxBytes = Math.min(limits.maxImageBytes, fs.bavail * fs.bsize - limits.reserveBytes);
  }

  /** Whether the entry is one of the layout's files; throws past a cap, before it is written. */
  wanted(type: string, name: string, size: number): boolean {
    if (++this.entries > MAX_IMPORT_TAR_ENTRIES) this.refuse(`more than ${MAX_IMPORT_TAR_ENTRIES} entries`);
    if (type !== 'file') return false;
    const blob = BLOB_NAME.test(name);
    if (!blob && name !== 'index.json' && name !== 'oci-layout') return false;
    if (!blob && size > MAX_LAYOUT_FILE_BYTES) {
      throw new InvalidArgumentError(
        `image import: ${this.file}: ${name} is larger than ${MAX_LAYOUT_FILE_BYTES} bytes`,
      );
    }
    if (blob && ++this.blobs > MAX_IMPORT_BLOBS) this.refuse(`more than ${MAX_IMPORT_BLOBS} blobs`);
    this.bytes += size;
    if (this.bytes > this.maxBytes) {
      this.refuse(
        `more than ${this.maxBytes} bytes to write (image.max_image_unpacked_bytes, ` +
          `or the free space less image.unpack_reserve_bytes)`,
      );
    }
    return true;
  }

  private refuse(why: string): never {
    throw new ResourceExhaustedError(`image import: ${this.file}: ${why}`);
  }
}
