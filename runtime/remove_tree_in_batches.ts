// Removing a directory tree whose size someone else chose (a container's upper directory, an
// image's layer) without holding the event loop or the thread pool. fs.rm queues a request for
// every entry of a directory at once: 200,000 files are 200,000 requests made in one turn of the
// event loop, and every other file operation of corrald waits behind them. Here a directory is
// read READ_AHEAD entries at a time (directory_batches.ts) and at most REMOVE_BATCH requests are in flight: a new one
// starts as one ends.
//
// Every directory below the top's own is first moved up to the top under a fresh name, then
// drained there: its files unlinked, its own subdirectories moved up in turn, then removed
// empty. So no path is ever more than two names below the top, however deep the nesting (fs.rm
// fails with ENAMETOOLONG past PATH_MAX), and nothing in memory grows with the tree: the top
// directory holds the work left, and passes over it repeat until it is empty. The directories a
// drain moves up are drained right after it, depth first, up to DRAIN_AHEAD names kept (a deep
// tree then costs no pass over the top per level); beyond that the top keeps them.
// A mount point is never descended into: the move fails with EBUSY for one, and the top's own
// directories are probed with rmdir first (EBUSY for a mount point, ENOTEMPTY for a plain
// directory). The removal then fails and leaves it, and what is mounted there, in place.
// Symlinks are removed, never followed: entries are reached by path, at most two names below the
// root, and a directory is checked with lstat just before it is read. Nothing but this removal
// changes the root's own entries (it is corral's: a renamed snapshot, a layer's staging), so a
// symlink that took a directory's place before its move is unlinked, not entered. Names are
// bytes: a container may use names that are not UTF-8.
// An entry found gone (ENOENT) is fine: the tree may shrink underneath.
import { randomBytes } from 'node:crypto';
import { promises as fs, type Dirent } from 'node:fs';
import { forEachEntryBatch, openDirectoryBytes } from './directory_batches';
import { CorralError, FailedPreconditionError, InternalError } from './errors';

/** Removals in flight at once. */
export const REMOVE_BATCH = 32;

/** Directories moved up that one drain keeps the names of, to drain next (see drainFrom). */
const DRAIN_AHEAD = 1024;

/** A drained directory found not empty again (something wrote into it) is drained again, so often. */
const DRAIN_ATTEMPTS = 3;
const SLASH = Buffer.from('/');

/** Removes `root` and everything below it; a missing root is fine, a file or symlink is unlinked. */
export async function removeTreeInBatches(root: string): Promise<void> {
  const kind = await kindOf(root);
  if (kind === 'gone') return;
  if (kind === 'other') return ignoreGone(fs.unlink(root));
  try {
    await new TreeRemover(root).run();
  } catch (err) {
    throw explain(err, root);
  }
  await ignoreGone(fs.rmdir(root));
}

class TreeRemover {
  /** Names of directories moved up: random, so no name already in the tree can be taken for one. */
  private readonly prefix = Buffer.from(`.corral-rm-${randomBytes(6).toString('hex')}-`);
  private moved = 0;

  constructor(private readonly top: string) {}

  async run(): Promise<void> {
    while ((await this.passOverTop()) > 0);
  }

  /** Clears the top's entries, draining its directories one by one; returns how many there were. */
  private async passOverTop(): Promise<number> {
    let seen = 0;
    await forEachEntryBatch(this.top, REMOVE_BATCH, async (entries) => {
      seen += entries.length;
      const dirs = await settleAll(entries.map((entry) => this.clearTopEntry(entry)));
      for (const dir of dirs) if (dir) await this.drainFrom(dir);
    });
    return seen;
  }

  /** Unlinks a non-directory at the top; returns a directory there that is left to drain. */
  private async clearTopEntry(entry: Dirent): Promise<Buffer | undefined> {
    const name = entry.name as unknown as Buffer;
    if (this.isMovedUp(name)) return name;
    const entryPath = childPath(this.top, name);
    if (!(await isDirectory(entryPath, entry)) && (await unlinkedUnlessDirectory(entryPath))) return undefined;
    try {
      await fs.rmdir(entryPath); // the probe: an empty directory goes, a mount point stays (EBUSY)
      return undefined;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      if (errorCode(err) === 'ENOTEMPTY') return name;
      if (errorCode(err) === 'EBUSY') throw this.mountPoint(entryPath);
      throw err;
    }
  }

  /** Unlinks a non-directory below the top; moves a directory up to the top (its new name is returned). */
  private async clear(parent: Buffer, entry: Dirent): Promise<Buffer | undefined> {
    const name = entry.name as unknown as Buffer;
    const entryPath = childPath(parent, name);
    if (!(await isDirectory(entryPath, entry)) && (await unlinkedUnlessDirectory(entryPath))) return undefined;
    const movedName = Buffer.concat([this.prefix, Buffer.from(String(this.moved++))]);
    try {
      await fs.rename(entryPath, childPath(this.top, movedName));
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      if (errorCode(err) === 'EBUSY') throw this.mountPoint(entryPath);
      throw err;
    }
    return movedName;
  }

  private mountPoint(where: Buffer): FailedPreconditionError {
    return new FailedPreconditionError(
      `removing ${this.top}: ${where.toString()} is a mount point; it and what is mounted there were left in place`,
    );
  }

  private isMovedUp(name: Buffer): boolean {
    return name.length > this.prefix.length && name.subarray(0, this.prefix.length).equals(this.prefix);
  }

  /**
   * Drains a directory at the top, then the directories that moved up out of it, depth first:
   * a deep tree goes without a pass over the top per level. At most DRAIN_AHEAD names wait here;
   * the top keeps the rest for its next pass.
   */
  private async drainFrom(first: Buffer): Promise<void> {
    const ahead = [first];
    for (let name = ahead.pop(); name; name = ahead.pop()) await this.drain(name, ahead);
  }

  /** Empties a directory at the top (its subdirectories join the top, and `ahead` while it has room), then removes it. */
  private async drain(name: Buffer, ahead: Buffer[]): Promise<void> {
    const dirPath = childPath(this.top, name);
    for (let attempt = 1; ; attempt++) {
      const kind = await kindOf(dirPath);
      if (kind === 'gone') return;
      if (kind === 'other') return ignoreGone(fs.unlink(dirPath)); // a symlink moved up in a directory's place
      try {
        await eachEntry(dirPath, async (entry) => {
          const moved = await this.clear(dirPath, entry);
          if (moved && ahead.length < DRAIN_AHEAD) ahead.push(moved);
        });
      } catch (err) {
        // Gone since its lstat: another removal of the same tree drained it first.
        if (errorCode(err) === 'ENOENT') return;
        throw err;
      }
      try {
        await fs.rmdir(dirPath);
        return;
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return;
        if (errorCode(err) !== 'ENOTEMPTY' || attempt === DRAIN_ATTEMPTS) throw err;
      }
    }
  }
}

async function kindOf(entryPath: string | Buffer): Promise<'directory' | 'other' | 'gone'> {
  try {
    return (await fs.lstat(entryPath)).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return 'gone';
    throw err;
  }
}

/**
 * Calls `work` on each of the directory's entries, REMOVE_BATCH at a time: a new one starts as
 * each finishes, so the pool's threads never wait for the slowest of a batch. All have settled
 * when it returns; the first failure is thrown then, and no further entry is started after it.
 */
async function eachEntry(dir: string | Buffer, work: (entry: Dirent) => Promise<void>): Promise<void> {
  const stream = await openDirectoryBytes(dir);
  let running = 0;
  let slotFree: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const settled = () => {
    running -= 1;
    slotFree?.();
  };
  const untilRunning = async (most: number) => {
    while (running > most) await new Promise<void>((resolve) => (slotFree = resolve));
  };
  try {
    for (let entry = await stream.read(); entry && !failure; entry = await stream.read()) {
      running += 1;
      work(entry).then(settled, (error: unknown) => {
        failure ??= { error };
        settled();
      });
      await untilRunning(REMOVE_BATCH - 1);
    }
  } finally {
    await untilRunning(0); // nothing is left running when this returns, nor when it throws
    await stream.close();
  }
  if (failure) throw failure.error;
}

/** From the entry's type, or lstat where the file system does not report one (DT_UNKNOWN). */
async function isDirectory(entryPath: Buffer, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  const known =
    entry.isFile() ||
    entry.isSymbolicLink() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isCharacterDevice() ||
    entry.isBlockDevice();
  return !known && (await kindOf(entryPath)) === 'directory';
}

/** Waits for every one (nothing is left running on failure), then throws the first failure. */
async function settleAll<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Unlinks the entry unless it is (by now) a directory; true when it is gone. */
async function unlinkedUnlessDirectory(entryPath: Buffer): Promise<boolean> {
  try {
    await fs.unlink(entryPath);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return true;
    if (errorCode(err) === 'EISDIR') return false; // it became a directory since it was listed
    throw err;
  }
}

async function ignoreGone(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}

function childPath(parent: string | Buffer, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(parent), SLASH, name]);
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The error names the tree being removed, and a mount point below it is a precondition. */
function explain(err: unknown, root: string): Error {
  if (err instanceof CorralError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EBUSY')
    // a file mount point: a directory one is caught by name above
    return new FailedPreconditionError(`removing ${root}: a mount point below it was left in place`, { cause: err });
  return new InternalError(`removing ${root}: ${e.syscall ?? 'a call'} failed below it: ${e.code ?? e.message}`, {
    cause: err,
  });
}
