// `image import`: images from an OCI image layout (a directory, or a tar of one) for nodes
// without a registry. Blobs are verified by the content store exactly as pulled ones are.
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InternalError, InvalidArgumentError } from '../errors';
import { MAX_MANIFEST_BYTES } from './registry/client';
import { MAX_LAYOUT_FILE_BYTES, extractLayoutTar } from './layout_tar';
import type { StoredImage } from './image_store';
import type { Lease } from './leases';
import { parseIndex, parseJsonObject } from './manifest';
import { fetchImage, type ImageSource, type PullContext } from './puller';
import { removeTree } from '../remove_tree';
import { formatReference, parseReference, repositoryName } from './reference';

type Leased = (fetch: (lease: Lease) => Promise<StoredImage>) => Promise<StoredImage>;

const NAME_ANNOTATIONS = ['io.containerd.image.name', 'org.opencontainers.image.ref.name'];

export async function importOciLayout(
  source: string,
  name: string | undefined,
  leased: Leased,
  ctx: PullContext,
  signal?: AbortSignal,
): Promise<StoredImage[]> {
  const st = await fs.stat(source).catch(() => undefined);
  if (!st) throw new InvalidArgumentError(`image import: ${source} does not exist`);
  if (st.isDirectory()) return importDir(source, name, leased, ctx, signal);
  // A FIFO or a device would hold a thread-pool thread, or never end.
  if (!st.isFile()) throw new InvalidArgumentError(`image import: ${source} is neither a directory nor a regular file`);
  // Beside the layers, under corral's root: on their file system (whose free space the caps
  // count), 0700, and swept at start (a dot name in the layer store) if a crash leaves it.
  const temp = await fs.mkdtemp(path.join(ctx.layers.root, '.import-'));
  try {
    await extractLayoutTar(source, temp, ctx.unpackLimits, signal);
    return await importDir(temp, name, leased, ctx, signal);
  } finally {
    await removeTree(temp); // as many blobs as the tar held
  }
}

async function importDir(
  dir: string,
  name: string | undefined,
  leased: Leased,
  ctx: PullContext,
  signal?: AbortSignal,
): Promise<StoredImage[]> {
  const indexFile = path.join(dir, 'index.json');
  const indexBytes = await readLayoutFile(indexFile, MAX_LAYOUT_FILE_BYTES, (err) => {
    if (err.code !== 'ENOENT') return undefined;
    return new InvalidArgumentError(`image import: ${dir} has no index.json (not an OCI image layout)`);
  });
  const entries = parseIndex(parseJsonObject(indexBytes, `${dir}/index.json`), `${dir}/index.json`);
  const imported: StoredImage[] = [];
  for (const entry of entries) {
    signal?.throwIfAborted();
    const annotations = entry.annotations ?? {};
    const refName = imageName(NAME_ANNOTATIONS.map((a) => annotations[a]).find(Boolean), name);
    const source = layoutSource(dir, entry.digest, refName ?? entry.digest);
    imported.push(
      await leased(async (lease) => {
        const image = await fetchImage(ctx, source, lease);
        if (!refName) return image;
        const ref = parseReference(refName);
        return {
          ...image,
          repoTags: ref.tag ? [formatReference(ref)] : [],
          repoDigests: [`${repositoryName(ref)}@${entry.digest}`],
        };
      }),
    );
  }
  return imported;
}

/** A bare tag in the layout ("latest") takes its repository from `name`. */
function imageName(annotated: string | undefined, name: string | undefined): string | undefined {
  if (annotated && !/[/:@]/.test(annotated) && name) return `${name}:${annotated}`;
  return annotated ?? name;
}

function layoutSource(dir: string, topDigest: string, display: string): ImageSource {
  const blobPath = (digest: string) => {
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new InvalidArgumentError(`image import: bad digest ${digest}`);
    return path.join(dir, 'blobs', 'sha256', digest.slice(7));
  };
  const manifest = async (digest: string) => {
    const bytes = await readLayoutFile(blobPath(digest), MAX_MANIFEST_BYTES);
    const got = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (got !== digest) throw new InternalError(`image import: manifest ${digest} hashes to ${got}`);
    return { bytes, digest, contentType: '' };
  };
  return {
    display,
    top: () => manifest(topDigest),
    manifest,
    blob: async (digest) => (await openRegularFile(blobPath(digest))).createReadStream(),
  };
}

/** Opened without blocking (O_NONBLOCK: a FIFO would wait for a writer) and only if regular. */
async function openRegularFile(file: string): Promise<fs.FileHandle> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    if (!(await handle.stat()).isFile()) throw new InvalidArgumentError(`image import: ${file} is not a regular file`);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A whole layout file of at most `cap` bytes; `explain` may turn an open error into a clearer one. */
async function readLayoutFile(
  file: string,
  cap: number,
  explain: (err: NodeJS.ErrnoException) => Error | undefined = () => undefined,
): Promise<Buffer> {
  const handle = await openRegularFile(file).catch((err: NodeJS.ErrnoException) => {
    throw explain(err) ?? err;
  });
  try {
    // Read up to one byte past the cap whatever the size said: the file may grow meanwhile.
    const buffer = Buffer.allocUnsafe(Math.min((await handle.stat()).size, cap) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = (await handle.read(buffer, length, buffer.length - length)).bytesRead;
    }
    if (length > cap) throw new InvalidArgumentError(`image import: ${file} is larger than ${cap} bytes`);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
