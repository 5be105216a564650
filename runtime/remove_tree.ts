// Removing a directory tree that is usually tiny (a snapshot's empty upper and work directories)
// but holds whatever a container wrote. A small one goes with blocking calls, microseconds each,
// where fs.rm costs several thread-pool round trips per entry; a big one (many entries, or large
// files whose unlink frees many blocks) still goes through fs.rm, off the event loop.
import { lstatSync, opendirSync, promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';

const SMALL_TREE_ENTRIES = 32;
const SMALL_TREE_BYTES = 1 << 20;

export async function removeTree(dir: string): Promise<void> {
  if (isSmallTree(dir)) rmSync(dir, { recursive: true, force: true });
  else await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Walks with blocking calls, giving up as soon as the tree is past either bound. Directories are
 * read a few entries at a time: the container chose how many there are, and a whole listing of a
 * directory it filled with a million files would hold the event loop.
 */
function isSmallTree(root: string): boolean {
  const pending = [root];
  let entries = 0;
  let bytes = 0;
  try {
    while (pending.length > 0) {
      const dir = opendirSync(pending.pop()!, { bufferSize: SMALL_TREE_ENTRIES });
      try {
        for (let entry = dir.readSync(); entry; entry = dir.readSync()) {
          const file = path.join(dir.path, entry.name);
          const stat = lstatSync(file);
          entries += 1;
          bytes += stat.blocks * 512;
          if (entries > SMALL_TREE_ENTRIES || bytes > SMALL_TREE_BYTES) return false;
          if (stat.isDirectory()) pending.push(file);
        }
      } finally {
        dir.closeSync();
      }
    }
  } catch {
    return false; // something unexpected (an entry gone meanwhile, no access): left to fs.rm
  }
  return true;
}
