// The files that keep V8's code cache for corrald's bundle between starts:
// <root>/cache/corrald-<bundle hash>.v8cache, 0600 in a 0700 directory, each replaced whole
// (temporary file, rename). One per bundle, so builds sharing a root (an upgrade, a bench
// comparing two) do not overwrite each other's; the newest few are kept.
// V8 itself rejects a cache from another V8 version or flags, but in release builds it checks
// neither the payload nor the source beyond its length: a stale or corrupt file must never reach
// it. So the header names the bundle (SHA-256 of its text) and the payload's SHA-256, and a file
// that does not match both is ignored (and rewritten after that start).
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';

const MAGIC = 'corral-code-cache 1\n';
const HASH_HEX = 64;
const HEADER_BYTES = MAGIC.length + 2 * (HASH_HEX + 1);
/** Far above a real cache (about 1 MiB): a larger file is not ours to read. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const KEEP_FILES = 4;
const PREFIX = 'corrald-';
const SUFFIX = '.v8cache';

export function codeCacheFile(root: string, bundleHash: string): string {
  return path.join(root, 'cache', `${PREFIX}${bundleHash.slice(0, 16)}${SUFFIX}`);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The cached payload for the bundle whose SHA-256 is `bundleHash`, or undefined. */
export function readCodeCache(file: string, bundleHash: string): Buffer | undefined {
  const bytes = readCapped(file);
  if (!bytes || bytes.length <= HEADER_BYTES) return undefined;
  const header = bytes.subarray(0, HEADER_BYTES).toString('latin1');
  const payload = bytes.subarray(HEADER_BYTES);
  if (header !== `${MAGIC}${bundleHash}\n${sha256(payload)}\n`) return undefined;
  return payload;
}

export function writeCodeCache(file: string, bundleHash: string, payload: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${MAGIC}${bundleHash}\n${sha256(payload)}\n`), payload]), {
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
  pruneOlder(path.dirname(file));
}

/** Removes all but the newest KEEP_FILES cache files (other builds' caches). */
function pruneOlder(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX))
    .map((name) => ({ file: path.join(dir, name), modified: lstatSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.modified - a.modified);
  for (const { file } of files.slice(KEEP_FILES)) rmSync(file, { force: true });
}

/** The whole file if it is a regular file (not followed through a symlink) within the cap. */
function readCapped(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (read === 0) return undefined;
      filled += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
