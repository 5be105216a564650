// Removing an object's directory that holds mount points. A recursive rm over a mount that is
// still there would delete what is mounted (an image snapshot, a pod's shm), so every mount
// point is first removed as an empty directory: if it is still mounted that fails and nothing
// below it is touched.
// The directories are corral's own and small (a bundle, a pod's few files), removed with
// blocking calls, tens of microseconds each, where each async call cost a thread-pool round
// trip. But a container can fill a file of them (a pod's /etc/hosts is bound into its
// containers, writable): removeTree unlinks a big one off the event loop, as freeing gigabytes
// of blocks takes the kernel a tenth of a second and more. Given a trash directory, the tree is
// moved there once its mount points are gone, and removed after the reply (trash_dir.ts).
import { rmdirSync } from 'node:fs';
import * as path from 'node:path';
import { removeTree } from './remove_tree';
import type { TrashDir } from './trash_dir';

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function removeDirWithMountPoints(dir: string, mountPoints: string[], trash?: TrashDir): Promise<void> {
  for (const mountPoint of mountPoints) {
    if (!mountPoint.startsWith(dir + path.sep)) throw new Error(`${mountPoint} is not under ${dir}`);
    removeEmptyDir(mountPoint);
  }
  if (trash?.moveAway(dir)) return;
  await removeTree(dir);
}
