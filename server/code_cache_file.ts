// The files that keep V8's code cache for corrald's bundle between starts:
// <root>/cache/corrald-<bundle hash>.v8cache, 0600 in a 0700 directory, each replaced whole
// (temporary file, rename). One per bundle, so builds sharing a root (an upgrade, a bench
// comparing two) do not overwrite each other's; the newest few are kept.
// V8 itself rejects a cache from another V8 version or flags, but in release builds it checks
// neither the payload nor the source beyond its length: a stale or corrupt file must never reach
// it. So the header names the bundle (the SHA-256 its build wrote on its first line, and the
// CRC-32 of its text as read) and the payload's CRC-32, and a file that does not match all three
// is ignored (and rewritten after that start). CRC-32 rather than a SHA-256 at start: node:crypto
// alone took ~5 ms of corrald's start, and the files are root's alone (0600 in 0700), so what the
// check guards against is a rebuild or a damaged file, not a forger.
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
import * as zlib from 'node:zlib';

const MAGIC = 'corral-code-cache 2\n';
/** tools/bundle_corrald.js starts the bundle with this and the SHA-256 of the rest, in hex. */
export const BUNDLE_ID_PREFIX = '//corral-bundle sha256:';
const HASH_HEX = 64;
const CRC_HEX = 8;
/** The bundle's build SHA-256, a dot and the CRC-32 of its text. */
const KEY_CHARS = HASH_HEX + 1 + CRC_HEX;
const HEADER_BYTES = MAGIC.length + KEY_CHARS + 1 + CRC_HEX + 1;
/** Far above a real cache (about 1 MiB): a larger file is not ours to read. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const KEEP_FILES = 4;
const PREFIX = 'corrald-';
const SUFFIX = '.v8cache';

/**
 * What names the bundle `text` in its cache's header: its build's SHA-256 and its CRC-32; none when
 * the text lacks its build's line or this node lacks zlib.crc32 (before 20.15): no cache then.
 */
export function bundleKey(text: Buffer): string | undefined {
  const head = text.subarray(0, BUNDLE_ID_PREFIX.length + HASH_HEX + 1).toString('latin1');
  const id = head.slice(BUNDLE_ID_PREFIX.length, -1);
  const crc = crc32Hex(text);
  if (!head.startsWith(BUNDLE_ID_PREFIX) || !head.endsWith('\n') || !/^[0-9a-f]{64}$/.test(id) || !crc)
    return undefined;
  return `${id}.${crc}`;
}

function crc32Hex(data: Buffer): string | undefined {
  if (typeof zlib.crc32 !== 'function') return undefined;
  return zlib.crc32(data).toString(16).padStart(CRC_HEX, '0');
}

export function codeCacheFile(root: string, bundleKey: string): string {
  return path.join(root, 'cache', `${PREFIX}${bundleKey.slice(0, 16)}${SUFFIX}`);
}

/** The cached payload for the bundle `bundleKey` names, or undefined. */
export function readCodeCache(file: string, bundleKey: string): Buffer | undefined {
  const bytes = readCapped(file);
  if (!bytes || bytes.length <= HEADER_BYTES) return undefined;
  const header = bytes.subarray(0, HEADER_BYTES).toString('latin1');
  const payload = bytes.subarray(HEADER_BYTES);
  if (header !== `${MAGIC}${bundleKey}\n${crc32Hex(payload)}\n`) return undefined;
  return payload;
}

export function writeCodeCache(file: string, bundleKey: string, payload: Buffer): void {
  if (bundleKey.length !== KEY_CHARS) throw new Error(`not a bundle key: ${bundleKey}`);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${MAGIC}${bundleKey}\n${crc32Hex(payload)}\n`), payload]), {
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
