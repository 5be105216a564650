// Removing an object's directory that holds mount points. A recursive rm over a mount that is
// still there would delete what is mounted (an image snapshot, a pod's shm), so every mount
// point is first removed as an empty directory: if it is still mounted that fails and nothing
// below it is touched.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await fs.rmdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function removeDirWithMountPoints(dir: string, mountPoints: string[]): Promise<void> {
  for (const mountPoint of mountPoints) {
    if (!mountPoint.startsWith(dir + path.sep)) throw new Error(`${mountPoint} is not under ${dir}`);
    await removeEmptyDir(mountPoint);
  }
  await fs.rm(dir, { recursive: true, force: true });
}
