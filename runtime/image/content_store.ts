// Content-addressed blob store: <root>/blobs/sha256/<hex>. A blob is streamed into ingest/,
// its size and sha256 checked, fsynced and renamed into place; only then is it visible.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InternalError, InvalidArgumentError, NotFoundError, UnavailableError } from '../errors';
import { fsyncDir } from '../store/atomic_file';
import { removeTree } from '../remove_tree';
import { DIGEST } from './reference';

export type ProgressFn = (bytes: number) => void;

export class ContentStore {
  private readonly blobDir: string;
  private readonly ingestDir: string;
  private readonly inflight = new Map<string, Promise<void>>();

  /** `stallMs`: a download that delivers no byte for this long fails (a hung registry). */
  constructor(
    readonly root: string,
    private readonly stallMs = 120_000,
  ) {
    this.blobDir = path.join(root, 'blobs', 'sha256');
    this.ingestDir = path.join(root, 'ingest');
  }

  /** Creates the layout and drops half-written ingests a crash left behind. */
  async load(): Promise<void> {
    await removeTree(this.ingestDir);
    await fs.mkdir(this.ingestDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.blobDir, { recursive: true, mode: 0o700 });
  }

  path(digest: string): string {
    if (!DIGEST.test(digest)) throw new InvalidArgumentError(`invalid digest ${JSON.stringify(digest)}`);
    return path.join(this.blobDir, digest.slice(7));
  }

  async has(digest: string, size?: number): Promise<boolean> {
    const st = await fs.stat(this.path(digest)).catch(() => undefined);
    return st !== undefined && (size === undefined || st.size === size);
  }

  async read(digest: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(digest));
    } catch {
      throw new NotFoundError(`blob ${digest} not in the content store`);
    }
  }

  readStream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  /** Stores bytes already in memory (manifests, configs) after checking their digest. */
  async putBytes(digest: string, data: Buffer): Promise<void> {
    await this.ingest(digest, data.length, async () => Readable.from([data]));
  }

  /**
   * Streams a blob in unless present. Concurrent calls for one digest share one download.
   * `open` is called only when the blob is missing.
   */
  ingest(digest: string, size: number, open: () => Promise<Readable>, progress?: ProgressFn): Promise<void> {
    const running = this.inflight.get(digest);
    if (running) return running;
    const job = this.ingestOnce(digest, size, open, progress).finally(() => this.inflight.delete(digest));
    this.inflight.set(digest, job);
    return job;
  }

  private async ingestOnce(
    digest: string,
    size: number,
    open: () => Promise<Readable>,
    progress?: ProgressFn,
  ): Promise<void> {
    const final = this.path(digest);
    if (await this.has(digest, size)) return;
    const temp = path.join(this.ingestDir, `${digest.slice(7, 19)}-${randomBytes(6).toString('hex')}`);
    try {
      const got = await writeHashed(await open(), temp, this.stallMs, digest, progress);
      if (got.size !== size)
        throw new InternalError(
          `blob ${digest}: size mismatch: want ${size} bytes, got ${got.size} (truncated or oversized download)`,
        );
      if (got.digest !== digest)
        throw new InternalError(`blob ${digest}: digest mismatch: content hashes to ${got.digest}`);
      await fs.rename(temp, final);
      await fsyncDir(this.blobDir);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async delete(digest: string): Promise<void> {
    await fs.rm(this.path(digest), { force: true });
  }

  /** Digests of every stored blob. */
  async list(): Promise<string[]> {
    return (await fs.readdir(this.blobDir).catch(() => [] as string[])).map((hex) => `sha256:${hex}`);
  }

  async size(digest: string): Promise<number> {
    return (await fs.stat(this.path(digest))).size;
  }
}

/** Copies `source` to `file` (fsynced), counting and hashing what passes. */
async function writeHashed(
  source: Readable,
  file: string,
  stallMs: number,
  digest: string,
  progress?: ProgressFn,
): Promise<{ size: number; digest: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const stalled = () =>
    meter.destroy(
      new UnavailableError(`blob ${digest}: download stalled (no data for ${stallMs / 1000}s after ${size} bytes)`),
    );
  let timer = setTimeout(stalled, stallMs);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      clearTimeout(timer);
      timer = setTimeout(stalled, stallMs);
      hash.update(chunk);
      size += chunk.length;
      progress?.(chunk.length);
      done(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(source, meter, out);
  } finally {
    clearTimeout(timer);
  }
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, digest: `sha256:${hash.digest('hex')}` };
}
