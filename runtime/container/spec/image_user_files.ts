// The image's /etc/passwd and /etc/group as a container's create reads them from its new rootfs.
// They are the same for every container of one image (the snapshot's upper directory is still
// empty then), so the files of the last few images are kept rather than read again (two
// thread-pool round trips each) on every create. Only small files and successful reads are kept.
import { readFileInRoot } from './root_file';

export interface ImageUserFiles {
  etcPasswd?: string;
  etcGroup?: string;
}

/** Images whose files are kept, least recently used dropped first. */
const MAX_IMAGES = 16;
/** Characters kept per image, both files together (a passwd file of a few hundred users). */
const MAX_CHARS = 64 * 1024;

const byImage = new Map<string, ImageUserFiles>();

/** The image's files if kept (a create then reads nothing from its rootfs), else undefined. */
export function keptImageUserFiles(imageId: string): ImageUserFiles | undefined {
  return byImage.get(imageId);
}

/** `imageId` is the image's config digest: equal IDs mean equal layers, so equal files. */
export async function imageUserFiles(imageId: string | undefined, rootfs: string): Promise<ImageUserFiles> {
  const kept = imageId === undefined ? undefined : byImage.get(imageId);
  if (kept && imageId !== undefined) {
    byImage.delete(imageId);
    byImage.set(imageId, kept);
    return kept;
  }
  const [etcPasswd, etcGroup] = await Promise.all([
    readFileInRoot(rootfs, '/etc/passwd'),
    readFileInRoot(rootfs, '/etc/group'),
  ]);
  const files = { etcPasswd, etcGroup };
  if (imageId !== undefined && (etcPasswd?.length ?? 0) + (etcGroup?.length ?? 0) <= MAX_CHARS) {
    byImage.set(imageId, files);
    if (byImage.size > MAX_IMAGES) byImage.delete(byImage.keys().next().value as string);
  }
  return files;
}
