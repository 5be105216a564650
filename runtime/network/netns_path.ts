// Whether a path still names a live network namespace (an nsfs file or a bind mount of one).
import { promises as fs } from 'node:fs';

const NSFS_MAGIC = 0x6e736673;

export async function isLiveNetns(file: string): Promise<boolean> {
  if (file === '') return false;
  try {
    const stat = await fs.statfs(file);
    return stat.type === NSFS_MAGIC;
  } catch {
    return false;
  }
}
