// Removing a directory tree that is usually tiny (a snapshot's empty upper and work directories,
// a bundle) but holds whatever a container or an image put there. A small one goes with blocking
// calls, microseconds each, where any async removal costs thread-pool round trips per entry; past
// a few entries or a megabyte (a big file's unlink frees its blocks in the call), the rest goes in
// bounded batches off the event loop (remove_tree_in_batches.ts). Neither descends into a mount
// point below the root: the removal fails and leaves it, and what is mounted there, in place.
import { lstatSync, opendirSync, rmdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { removeTreeInBatches } from './remove_tree_in_batches';

const SMALL_TREE_ENTRIES = 32;
const SMALL_TREE_BYTES = 1 << 20;

export async function removeTree(dir: string): Promise<void> {
  if (!removedWhileSmall(dir)) await removeTreeInBatches(dir);
}

/**
 * Removes the tree with blocking calls as long as it stays within both bounds; past either, what
 * is left is left to the batches (false). Directories are read a few entries at a time: the
 * container chose how many there are, and a whole listing of a directory it filled with a
 * million files would hold the event loop. Each directory is probed with rmdir before it is
 * entered: an empty one goes, a mount point fails with EBUSY (left to the batches, which refuse
 * it) and only a plain directory with entries (ENOTEMPTY) is walked into.
 */
function removedWhileSmall(root: string): boolean {
  const walked: string[] = []; // parents before their children: removed in reverse
  const pending = [root];
  let entries = 0;
  let bytes = 0;
  try {
    if (!lstatSync(root).isDirectory()) return false; // a symlink is never walked through
    while (pending.length > 0) {
      const dir = pending.pop()!;
      walked.push(dir);
      const stream = opendirSync(dir, { bufferSize: SMALL_TREE_ENTRIES });
      try {
        for (let entry = stream.readSync(); entry; entry = stream.readSync()) {
          if (++entries > SMALL_TREE_ENTRIES) return false;
          const file = path.join(dir, entry.name);
          if (entry.isDirectory()) {
            if (!removedIfEmpty(file)) pending.push(file);
            continue;
          }
          bytes += lstatSync(file).blocks * 512;
          if (bytes > SMALL_TREE_BYTES) return false;
          unlinkSync(file);
        }
      } finally {
        stream.closeSync();
      }
    }
    for (const dir of walked.reverse()) rmdirSync(dir);
  } catch {
    return false; // something unexpected (a mount point, a name not UTF-8, no such root): left to the batches
  }
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
