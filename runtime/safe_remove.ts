// Removing an object's directory that holds mount points. A recursive rm over a mount that is
// still there would delete what is mounted (an image snapshot, a pod's shm), so every mount
// point is first removed as an empty directory: if it is still mounted that fails and nothing
// below it is touched.
// The directories are corral's own and small (a bundle, a pod's few files): removed with blocking
// calls, tens of microseconds each, where each async call cost a thread-pool round trip, and a
// recursive fs.rm several per entry.
import { rmdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function removeDirWithMountPoints(dir: string, mountPoints: string[]): Promise<void> {
  for (const mountPoint of mountPoints) {
    if (!mountPoint.startsWith(dir + path.sep)) throw new Error(`${mountPoint} is not under ${dir}`);
    removeEmptyDir(mountPoint);
  }
  rmSync(dir, { recursive: true, force: true });
}
