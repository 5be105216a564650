// A layer directory that tar entries are written into without ever leaving it. Every parent
// directory is opened with openat2(RESOLVE_IN_ROOT): "..", absolute names and symlinks (even
// ones an earlier entry planted) resolve inside the layer. The entry itself is then made through
// /proc/self/fd/<parent>/<base>, a single component that the kernel never follows for creation.
import { closeSync, mkdirSync, openSync, constants } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import {
  O_DIRECTORY,
  O_PATH,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  SyscallError,
  openat2,
} from '../../../native/libc';

export interface EntryPath {
  /** "/proc/self/fd/N/base": the entry, reached through its already-resolved parent. */
  full: string;
  base: string;
  release(): void;
}

export class LayerRoot {
  private readonly rootFd: number;
  /**
   * The last parent directory opened: consecutive entries mostly share one. One slot is enough
   * to stay correct: an entry that replaces a directory is reached through that directory's
   * parent, which takes the slot, so a replaced directory is never written into.
   */
  private cached: { rel: string; fd: number } | undefined;

  constructor(readonly dir: string) {
    this.rootFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  }

  close(): void {
    this.forget();
    closeSync(this.rootFd);
  }

  private forget(): void {
    if (this.cached) closeSync(this.cached.fd);
    this.cached = undefined;
  }

  /**
   * Resolves an entry name ("./a/../b/c", "/etc/x") to its parent inside the root, creating
   * missing parent directories (0755). The returned handle must be released.
   */
  entry(name: string, cache = true): EntryPath {
    const clean = cleanEntryName(name);
    if (clean === '') throw new InvalidArgumentError(`tar entry ${JSON.stringify(name)} names the layer root`);
    const parent = path.posix.dirname(clean) === '.' ? '' : path.posix.dirname(clean);
    const base = path.posix.basename(clean);
    if (cache && this.cached?.rel === parent)
      return { full: `/proc/self/fd/${this.cached.fd}/${base}`, base, release: () => undefined };
    const fd = this.openDir(parent);
    if (!cache) return { full: `/proc/self/fd/${fd}/${base}`, base, release: () => closeSync(fd) };
    this.forget();
    this.cached = { rel: parent, fd };
    return { full: `/proc/self/fd/${fd}/${base}`, base, release: () => undefined };
  }

  /** Opens (creating as needed) a directory below the root; components resolve in the root. */
  private openDir(rel: string): number {
    const flags = O_PATH | O_DIRECTORY;
    const resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    try {
      return openat2(this.rootFd, rel || '.', flags, resolve);
    } catch (err) {
      if (!(err instanceof SyscallError) || err.code !== 'ENOENT' || rel === '') throw err;
    }
    const parentFd = this.openDir(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    try {
      mkdirSync(`/proc/self/fd/${parentFd}/${path.posix.basename(rel)}`, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      closeSync(parentFd);
    }
    return openat2(this.rootFd, rel, flags, resolve);
  }
}

/** Cleans a tar name as if rooted at "/": "../../x" → "x", "/a/./b/" → "a/b". */
export function cleanEntryName(name: string): string {
  return path.posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
}
