// One walk of disk_usage.ts: bytes (allocated blocks, as du counts) and inodes below a directory,
// hard links counted once. The tree's shape is someone else's choice (a container's upper
// directory, an image's layer): a million files must not become a million-name array, nor a
// million round trips made one after another; a million subdirectories must not become a million
// paths queued; a tree 100,000 levels deep must be counted to its bottom, far past PATH_MAX.
//
// Depth first, every entry reached relative to its directory's open fd (/proc/self/fd/<fd>/<name>),
// so no path grows with depth. A directory is read in batches (native/directory_entries.ts) and
// its entries lstat'ed LSTAT_BATCH at a time, together: at most LSTAT_BATCH requests, plus one
// open or read, are in flight. Only the MAX_OPEN_DIRS deepest directories of the current path stay
// open with their unread entries; one above them is closed, keeping the position after its entry
// last handled, and when the walk comes back to it, it is reopened from its child ("..", checked to
// be the same directory) and read on from there. Memory: a few numbers per level of the current
// path and MAX_OPEN_DIRS batches, whatever the width; a hard-linked inode (nlink > 1) is
// remembered so that it counts once. Symlinks are never followed (lstat, O_NOFOLLOW), nor mount
// points crossed (as `du --one-file-system`); names are bytes (a container's need not be UTF-8).
// An entry that cannot be read (gone meanwhile) is not counted, as du would report and skip it; a
// directory replaced while closed ends the walk with what was counted.
import { constants, promises as fs, type Stats } from 'node:fs';
import {
  DT_DIR,
  DT_UNKNOWN,
  readDirectoryEntries,
  seekDirectory,
  type DirectoryEntry,
} from '../../native/directory_entries';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

/** lstat requests in flight at once. */
export const LSTAT_BATCH = 32;
/** Directories of the current path one walk keeps open, with their unread entries. */
export const MAX_OPEN_DIRS = 8;
/** Bytes of entries one directory read returns at most (about 256 short names). */
const READ_BYTES = 8192;
const OPEN_DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

interface Pending {
  entry: DirectoryEntry;
  /** Its lstat, once made (undefined: not made, or the entry is gone). */
  st?: Stats;
}

/** A directory on the current path. */
interface Frame {
  handle?: fs.FileHandle; // undefined while closed
  dev: number;
  ino: number;
  /** Where the first entry not yet handled starts. */
  position: bigint;
  /** Entries read from `position` on, not yet handled (open frames only). */
  queue: Pending[];
  /** How many entries from `position` on are counted already (their subdirectories not yet entered). */
  counted: number;
  ended: boolean;
}

export class UsageWalk {
  private bytes = 0;
  private inodes = 0;
  /** Inodes with more than one link, counted already. */
  private readonly linked = new Set<number>();
  private readonly path: Frame[] = [];
  private readonly readBuffer = Buffer.allocUnsafe(READ_BYTES);
  private device = 0;

  constructor(private readonly root: string) {}

  async run(): Promise<DiskUsage> {
    try {
      if (await this.openRoot()) while (this.path.length > 0) await this.step();
    } finally {
      await this.closeAll();
    }
    return { bytes: this.bytes, inodes: this.inodes };
  }

  /** Counts the root; true when it is a directory to walk. */
  private async openRoot(): Promise<boolean> {
    const st = await fs.lstat(this.root).catch(() => undefined);
    if (!st) return false;
    this.device = st.dev;
    this.visit(st);
    if (!st.isDirectory()) return false;
    const handle = await fs.open(this.root, OPEN_DIRECTORY).catch(() => undefined);
    if (!handle) return false;
    this.path.push({ handle, dev: st.dev, ino: st.ino, position: 0n, queue: [], counted: 0, ended: false });
    return true;
  }

  /** One batch of the deepest directory: counted, and its first subdirectory entered; or it ends. */
  private async step(): Promise<void> {
    const frame = this.path[this.path.length - 1];
    const fd = frame.handle!.fd;
    if (frame.queue.length === 0 && !frame.ended) await this.read(frame, fd);
    if (frame.queue.length === 0) return this.leave();
    const batch = frame.queue.slice(0, LSTAT_BATCH);
    await Promise.all(batch.map((pending, i) => this.lstatIfNeeded(fd, pending, i >= frame.counted)));
    batch.forEach((pending, i) => i >= frame.counted && pending.st && this.visit(pending.st));
    frame.counted = Math.max(frame.counted, batch.length);
    const dir = batch.findIndex(({ st }) => st?.isDirectory() && st.dev === this.device);
    const handled = dir < 0 ? batch.length : dir + 1;
    frame.position = batch[handled - 1].entry.next;
    frame.counted -= handled;
    frame.queue.splice(0, handled);
    if (dir >= 0) await this.enter(fd, batch[dir]);
  }

  private async read(frame: Frame, fd: number): Promise<void> {
    try {
      const entries = await readDirectoryEntries(fd, this.readBuffer);
      if (entries.length === 0) frame.ended = true;
      for (const entry of entries) frame.queue.push({ entry });
    } catch {
      frame.ended = true; // gone or not readable: what was counted stays counted
    }
  }

  /** Uncounted entries need their lstat; counted ones only if they may be directories to enter. */
  private async lstatIfNeeded(fd: number, pending: Pending, uncounted: boolean): Promise<void> {
    if (pending.st) return;
    const type = pending.entry.type;
    if (!uncounted && type !== DT_DIR && type !== DT_UNKNOWN) return;
    pending.st = await fs.lstat(at(fd, pending.entry.name)).catch(() => undefined);
  }

  private async enter(fd: number, { entry, st }: Pending): Promise<void> {
    const handle = await fs.open(at(fd, entry.name), OPEN_DIRECTORY).catch(() => undefined);
    if (!handle) return;
    const opened = await handle.stat().catch(() => undefined);
    if (opened?.dev !== st!.dev || opened.ino !== st!.ino) {
      await handle.close(); // replaced since its lstat
      return;
    }
    this.path.push({ handle, dev: st!.dev, ino: st!.ino, position: 0n, queue: [], counted: 0, ended: false });
    const open = this.path.filter((frame) => frame.handle);
    if (open.length > MAX_OPEN_DIRS) await this.close(open[0]);
  }

  /** The deepest directory is done: its parent, if closed, is reopened from it through "..". */
  private async leave(): Promise<void> {
    const child = this.path.pop()!;
    const parent = this.path[this.path.length - 1];
    try {
      if (parent && !parent.handle && !(await this.reopen(parent, child.handle!.fd))) {
        // Moved or replaced meanwhile: the walk ends with what it counted.
        await this.closeAll();
        this.path.length = 0;
      }
    } finally {
      await child.handle!.close();
    }
  }

  private async reopen(frame: Frame, childFd: number): Promise<boolean> {
    const handle = await fs.open(at(childFd, Buffer.from('..')), OPEN_DIRECTORY).catch(() => undefined);
    if (!handle) return false;
    const st = await handle.stat().catch(() => undefined);
    if (st?.dev !== frame.dev || st.ino !== frame.ino) {
      await handle.close();
      return false;
    }
    seekDirectory(handle.fd, frame.position);
    frame.handle = handle;
    return true;
  }

  private async close(frame: Frame): Promise<void> {
    const handle = frame.handle!;
    frame.handle = undefined;
    frame.queue = [];
    frame.ended = false; // read on from `position` when reopened
    await handle.close();
  }

  private async closeAll(): Promise<void> {
    await Promise.all(this.path.flatMap((frame) => (frame.handle ? [frame.handle.close()] : [])));
  }

  private visit(st: Stats): void {
    if (st.dev !== this.device) return; // a mount point: another file system's usage
    if (!st.isDirectory() && st.nlink > 1) {
      if (this.linked.has(st.ino)) return;
      this.linked.add(st.ino);
    }
    this.inodes += 1;
    this.bytes += st.blocks * 512;
  }
}

/** The entry `name` of the directory open as `fd`, by a path that does not grow with depth. */
function at(fd: number, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}
