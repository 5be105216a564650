// Removing a directory tree that is usually tiny (a snapshot's empty upper and work directories)
// but holds whatever a container or an image put there. A small one goes with blocking calls,
// microseconds each, where any async removal costs thread-pool round trips per entry; a big one
// (many entries, or large files whose unlink frees many blocks) goes in bounded batches, off the
// event loop (remove_tree_in_batches.ts). Neither descends into a mount point below the root:
// the removal fails and leaves it, and what is mounted there, in place.
import { lstatSync, opendirSync, rmSync, rmdirSync } from 'node:fs';
import * as path from 'node:path';
import { removeTreeInBatches } from './remove_tree_in_batches';

const SMALL_TREE_ENTRIES = 32;
const SMALL_TREE_BYTES = 1 << 20;

export async function removeTree(dir: string): Promise<void> {
  if (!removedAsSmallTree(dir)) await removeTreeInBatches(dir);
}

/**
 * Walks with blocking calls, giving up as soon as the tree is past either bound, and removes it
 * if it was not. Directories are read a few entries at a time: the container chose how many
 * there are, and a whole listing of a directory it filled with a million files would hold the
 * event loop. Each directory is probed with rmdir before it is entered: an empty one goes, a
 * mount point fails with EBUSY (left to the batched removal, which refuses it) and only a plain
 * directory with entries (ENOTEMPTY) is walked into.
 */
function removedAsSmallTree(root: string): boolean {
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
          if (stat.isDirectory() && !removedIfEmpty(file)) pending.push(file);
        }
      } finally {
        dir.closeSync();
      }
    }
  } catch {
    return false; // something unexpected (a mount point, a name not UTF-8, no such root): left to the batches
  }
  rmSync(root, { recursive: true, force: true });
  return true;
}

function removedIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY') return false;
    throw err;
  }
}
