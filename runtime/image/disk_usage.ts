// Bytes (allocated blocks, as du counts) and inodes below a directory, hard links counted once.
// The trees are a container's (its overlay upper directory, walked for ContainerStats and for
// ImageFsInfo, which kubelet asks for periodically) or an image's (a layer after unpack), so their
// size is someone else's choice: a million files must not become a million-name array built on
// the event loop, nor a million thread-pool round trips made one after another.
//
// A directory is read in batches (directory_batches.ts) and its entries are lstat'ed LSTAT_BATCH at a
// time, together: at most LSTAT_BATCH requests (plus the directory read) are in flight. Symlinks
// are never followed (lstat), nor mount points crossed (as `du --one-file-system`). There is no
// recursion: directories still to read wait on a stack of paths, so memory grows with the
// directories found and not yet read, not with the files; a hard-linked inode (nlink > 1) is
// remembered so that it counts once, an ordinary file is not. Names are bytes: a container may
// use names that are not UTF-8. An entry that cannot be read (gone meanwhile, a path past
// PATH_MAX) is not counted, as du would report and skip it.
import { promises as fs, type Stats } from 'node:fs';
import { forEachEntryBatch } from '../directory_batches';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

/** lstat requests in flight at once. */
export const LSTAT_BATCH = 32;
/**
 * How long a finished walk of a writable layer is reused by stats callers. kubelet asks for
 * ListContainerStats, ContainerStats and ImageFsInfo each on its own timer, and all of them walk
 * the same upper directories: one walk serves the calls made around the same moment. A figure is
 * at most this old past the end of its walk; containerd's CRI plugin serves snapshot usage from a
 * cache refreshed every 10 s (`stats_collect_period`), so kubelet copes with older figures.
 */
export const REUSE_MS = 2000;

const SLASH = Buffer.from('/');
/** Walks of writable layers running, or finished within REUSE_MS, by directory. */
const recentWalks = new Map<string, Promise<DiskUsage>>();

/** A fresh walk of `dir`, started now (a layer just unpacked must be counted as it is). */
export function diskUsage(dir: string): Promise<DiskUsage> {
  return new UsageWalk(Buffer.from(dir)).run();
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

class UsageWalk {
  private bytes = 0;
  private inodes = 0;
  /** Inodes with more than one link, counted already. */
  private readonly linked = new Set<number>();
  private readonly directoriesToRead: Buffer[] = [];
  private device = 0;

  constructor(private readonly root: Buffer) {}

  async run(): Promise<DiskUsage> {
    const st = await lstatOrUndefined(this.root);
    if (!st) return { bytes: 0, inodes: 0 };
    this.device = st.dev;
    this.visit(this.root, st);
    for (let dir = this.directoriesToRead.pop(); dir; dir = this.directoriesToRead.pop()) await this.read(dir);
    return { bytes: this.bytes, inodes: this.inodes };
  }

  /** Counts the directory's entries, LSTAT_BATCH at a time; its subdirectories join the stack. */
  private async read(dir: Buffer): Promise<void> {
    try {
      await forEachEntryBatch(dir, LSTAT_BATCH, async (entries) => {
        const paths = entries.map((entry) => Buffer.concat([dir, SLASH, entry.name as unknown as Buffer]));
        const stats = await Promise.all(paths.map(lstatOrUndefined));
        stats.forEach((st, i) => st && this.visit(paths[i], st));
      });
    } catch {
      // gone or not readable, or gone while read: what was counted stays counted
    }
  }

  private visit(entryPath: Buffer, st: Stats): void {
    if (st.dev !== this.device) return; // a mount point: another file system's usage
    if (st.isDirectory()) this.directoriesToRead.push(entryPath);
    else if (st.nlink > 1) {
      if (this.linked.has(st.ino)) return;
      this.linked.add(st.ino);
    }
    this.inodes += 1;
    this.bytes += st.blocks * 512;
  }
}

async function lstatOrUndefined(entryPath: Buffer): Promise<Stats | undefined> {
  try {
    return await fs.lstat(entryPath);
  } catch {
    return undefined;
  }
}
