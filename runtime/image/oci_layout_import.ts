// `image import`: images from an OCI image layout (a directory, or a tar of one) for nodes
// without a registry. Blobs are verified by the content store exactly as pulled ones are.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InternalError, InvalidArgumentError } from '../errors';
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
): Promise<StoredImage[]> {
  const st = await fs.stat(source).catch(() => undefined);
  if (!st) throw new InvalidArgumentError(`image import: ${source} does not exist`);
  if (st.isDirectory()) return importDir(source, name, leased, ctx);
  const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-import-'));
  try {
    await extractLayoutTar(source, temp);
    return await importDir(temp, name, leased, ctx);
  } finally {
    await removeTree(temp); // as many blobs as the tar held
  }
}

async function importDir(
  dir: string,
  name: string | undefined,
  leased: Leased,
  ctx: PullContext,
): Promise<StoredImage[]> {
  const indexBytes = await fs.readFile(path.join(dir, 'index.json')).catch(() => {
    throw new InvalidArgumentError(`image import: ${dir} has no index.json (not an OCI image layout)`);
  });
  const entries = parseIndex(parseJsonObject(indexBytes, `${dir}/index.json`), `${dir}/index.json`);
  const imported: StoredImage[] = [];
  for (const entry of entries) {
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
    const bytes = await fs.readFile(blobPath(digest));
    const got = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (got !== digest) throw new InternalError(`image import: manifest ${digest} hashes to ${got}`);
    return { bytes, digest, contentType: '' };
  };
  return {
    display,
    top: () => manifest(topDigest),
    manifest,
    blob: async (digest) => createReadStream(blobPath(digest)),
  };
}

/** Takes only the layout's own files out of the tar; any other name is ignored, never written. */
async function extractLayoutTar(file: string, dest: string): Promise<void> {
  await fs.mkdir(path.join(dest, 'blobs', 'sha256'), { recursive: true });
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const name = header.name.replace(/^\.\//, '');
    const wanted =
      header.type === 'file' &&
      (name === 'index.json' || name === 'oci-layout' || /^blobs\/sha256\/[a-f0-9]{64}$/.test(name));
    if (!wanted) {
      body.on('end', () => next()).resume();
      return;
    }
    pipeline(body as never, createWriteStream(path.join(dest, name))).then(() => next(), next);
  });
  await pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream);
}
