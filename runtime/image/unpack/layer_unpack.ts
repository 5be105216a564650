// Unpacks one layer blob (gzip, zstd or plain tar, told apart by magic bytes) into a directory,
// verifying the uncompressed stream against the config's diff ID.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { InternalError, InvalidArgumentError, wrapError } from '../../errors';
import { createZstdDecompress } from './zstd_stream';
import { LayerRoot } from './layer_root';
import { finishDirectories, writeEntry, type DeferredDir } from './entry_writer';
import type { LayerUnpackBudget } from './unpack_budget';

/** Big chunks: each one becomes a write on libuv's pool, and 16 KiB writes cost more than the data. */
const CHUNK = 256 * 1024;

export interface UnpackResult {
  diffId: string;
  entries: number;
}

/** Unpacks `blobPath` into `dir` (existing, empty). `expectedDiffId` undefined skips the check;
 *  `budget` (when given) is charged every entry before it is written. */
export async function unpackLayer(
  blobPath: string,
  dir: string,
  expectedDiffId?: string,
  budget?: LayerUnpackBudget,
): Promise<UnpackResult> {
  const tarStream = await decompressed(blobPath);
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const root = new LayerRoot(dir);
  const deferred: DeferredDir[] = [];
  let entries = 0;
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    entries++;
    try {
      budget?.charge(header.type === 'file' || header.type === 'contiguous-file' ? (header.size ?? 0) : 0, header.name);
    } catch (err) {
      // The extract destroys this entry's stream with the error too: nobody else listens to it.
      (body as unknown as Readable).on('error', () => undefined);
      next(err as Error);
      return;
    }
    writeEntry(root, header, body as unknown as Readable, deferred).then(
      () => next(),
      (err) => next(wrapError(err, `layer entry ${header.name}`)),
    );
  });
  try {
    await pipeline(tarStream, hasher, extract as unknown as NodeJS.WritableStream);
    await finishDirectories(root, deferred);
  } catch (err) {
    if (
      err instanceof Error &&
      /unexpected end|premature|incorrect header|invalid/i.test(err.message) &&
      !(err as { kind?: string }).kind
    ) {
      throw new InvalidArgumentError(`layer ${blobPath}: not a valid (compressed) tar: ${err.message}`);
    }
    throw err;
  } finally {
    root.close();
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  if (expectedDiffId && diffId !== expectedDiffId) {
    throw new InternalError(`layer diff ID mismatch: config says ${expectedDiffId}, content is ${diffId}`);
  }
  return { diffId, entries };
}

/** The uncompressed tar stream of a blob, by its magic bytes. */
async function decompressed(blobPath: string): Promise<Readable> {
  const head = Buffer.alloc(4);
  const handle = await fs.open(blobPath, 'r');
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  const source = createReadStream(blobPath, { highWaterMark: CHUNK });
  if (head[0] === 0x1f && head[1] === 0x8b) return chain(source, zlib.createGunzip({ chunkSize: CHUNK }));
  if (head.readUInt32LE(0) === 0xfd2fb528) return chain(source, createZstdDecompress());
  return source;
}

/** source → transform, with the source's errors surfacing on the transform. */
function chain(source: Readable, transform: Transform): Readable {
  source.on('error', (err) => transform.destroy(err));
  return source.pipe(transform);
}
