// Writes a built image as an OCI image layout directory (oci-layout, index.json, blobs/), the
// format `corralctl image import` reads.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BuiltImage } from './oci_image';

export async function writeOciLayout(dir: string, image: BuiltImage, refName: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await fs.writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeBlobs(dir, image);
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': refName },
      },
    ],
  };
  await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
}

async function writeBlobs(dir: string, image: BuiltImage): Promise<void> {
  const put = (digest: string, data: Buffer) =>
    fs.writeFile(path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  await put(image.digest, image.manifest);
  for (const [digest, data] of image.blobs) await put(digest, data);
  for (const child of image.children) await writeBlobs(dir, child);
}
