// Bytes (allocated blocks, as du counts) and inodes below a directory, hard links counted once.
// The trees are a container's (its overlay upper directory, walked for ContainerStats and for
// ImageFsInfo, which kubelet asks for periodically) or an image's (a layer after unpack), so their
// shape is someone else's choice: a million files must not become a million-name array built on
// the event loop, nor a million thread-pool round trips made one after another; a million
// subdirectories must not become a million paths queued; a tree 100,000 levels deep must be
// counted to its bottom, though its paths are far past PATH_MAX.
//
// The walk is depth first and reaches every entry relative to its directory's open fd
// (/proc/self/fd/<fd>/<name>), so no path it uses grows with depth. A directory is read in
// batches (native/directory_entries.ts) and its entries are lstat'ed LSTAT_BATCH at a time,
// together: at most LSTAT_BATCH requests (plus one open or directory read) are in flight. Only the
// MAX_OPEN_DIRS deepest directories of the current path stay open with their unread batch; one
// above them is closed, keeping the position after the entry last handled, and is reopened from
// its child ("..", checked to be the same directory) and read on from that position. Memory is a
// few numbers per level of the current path plus MAX_OPEN_DIRS batches, whatever the width; a
// hard-linked inode (nlink > 1) is remembered so that it counts once, an ordinary file is not.
// Symlinks are never followed (lstat, O_NOFOLLOW), nor mount points crossed (as `du
// --one-file-system`). Names are bytes: a container may use names that are not UTF-8. An entry
// that cannot be read (gone meanwhile) is not counted, as du would report and skip it; a
// directory replaced while closed ends the walk with what was counted.
import { UsageWalk, type DiskUsage } from './usage_walk';

export { LSTAT_BATCH, MAX_OPEN_DIRS, type DiskUsage } from './usage_walk';

/**
 * How long a finished walk of a writable layer is reused by stats callers. kubelet asks for
 * ListContainerStats, ContainerStats and ImageFsInfo each on its own timer, and all of them walk
 * the same upper directories: one walk serves the calls made around the same moment. A figure is
 * at most this old past the end of its walk; containerd's CRI plugin serves snapshot usage from a
 * cache refreshed every 10 s (`stats_collect_period`), so kubelet copes with older figures.
 */
export const REUSE_MS = 2000;

/** Walks of writable layers running, or finished within REUSE_MS, by directory. */
const recentWalks = new Map<string, Promise<DiskUsage>>();

/** A fresh walk of `dir`, started now (a layer just unpacked must be counted as it is). */
export function diskUsage(dir: string): Promise<DiskUsage> {
  return new UsageWalk(dir).run();
}

/**
 * For stats: one walk of `dir` at a time. A caller while one runs, or within REUSE_MS after it
 * ended, gets its promise; a failed walk is not kept.
 */
export function recentDiskUsage(dir: string): Promise<DiskUsage> {
  const recent = recentWalks.get(dir);
  if (recent) return recent;
  const walk = diskUsage(dir);
  recentWalks.set(dir, walk);
  const forget = () => {
    if (recentWalks.get(dir) === walk) recentWalks.delete(dir);
  };
  walk.then(
    () => setTimeout(forget, REUSE_MS).unref(),
    () => forget(),
  );
  return walk;
}
