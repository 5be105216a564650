// Applies one tar entry inside a LayerRoot: files, dirs, links, devices, ownership, modes,
// mtimes, xattrs, and OCI whiteouts turned into overlayfs ones.
import {
  closeSync,
  createWriteStream,
  fchmodSync,
  fchownSync,
  futimesSync,
  linkSync,
  lstatSync,
  lchownSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  unlinkSync,
  chmodSync,
  writeSync,
  constants,
} from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as tar from 'tar-stream';
import { InvalidArgumentError } from '../../errors';
import { S_IFBLK, S_IFCHR, S_IFIFO, lsetxattr, makedev, mknod } from '../../../native/libc';
import { cleanEntryName, type LayerRoot } from './layer_root';
import { moduleLogger } from '../../log';
import { removeTree } from '../../remove_tree';

const log = moduleLogger('unpack');

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** xattrs a layer may not set: overlayfs reads these, and only the unpacker writes them. */
const RESERVED_XATTR = /^trusted\.overlay\./;

/** Directories get their mode and mtime at the end: writing children would change the mtime. */
export interface DeferredDir {
  name: string;
  mode: number;
  mtime: Date;
}

export async function writeEntry(
  root: LayerRoot,
  header: tar.Header,
  body: Readable,
  deferred: DeferredDir[],
): Promise<void> {
  const clean = cleanEntryName(header.name);
  if (clean === '') {
    // "./": the layer root itself, which the layer store owns
    body.resume();
    return;
  }
  const base = clean.slice(clean.lastIndexOf('/') + 1);
  if (base.startsWith(WHITEOUT_PREFIX)) return whiteout(root, clean, base, body);
  const target = root.entry(header.name);
  try {
    switch (header.type) {
      case 'directory':
        return await directory(target.full, header, deferred);
      case 'file':
      case 'contiguous-file':
        return await regularFile(target.full, header, body);
      case 'symlink':
        return await symlink(target.full, header);
      case 'link':
        return await hardlink(root, target.full, header);
      case 'character-device':
      case 'block-device':
      case 'fifo':
        return await device(target.full, header);
      default:
        throw new InvalidArgumentError(`tar entry ${header.name}: unsupported type ${JSON.stringify(header.type)}`);
    }
  } finally {
    target.release();
    body.resume();
  }
}

async function whiteout(root: LayerRoot, clean: string, base: string, body: Readable): Promise<void> {
  body.resume();
  const dirName = clean.slice(0, Math.max(0, clean.lastIndexOf('/')));
  if (base === OPAQUE_MARKER) return markOpaque(root, dirName);
  if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // other aufs metadata: not content
  const hidden =
    dirName === '' ? base.slice(WHITEOUT_PREFIX.length) : `${dirName}/${base.slice(WHITEOUT_PREFIX.length)}`;
  const target = root.entry(hidden);
  try {
    await removeExisting(target.full);
    mknod(target.full, S_IFCHR, makedev(0, 0));
  } finally {
    target.release();
  }
}

/** overlayfs hides everything below an opaque directory: the layer's own entries stay visible. */
function markOpaque(root: LayerRoot, dirName: string): void {
  if (dirName === '') return lsetxattr(root.dir, 'trusted.overlay.opaque', Buffer.from('y'));
  const dir = root.entry(dirName);
  try {
    const st = lstatSync(dir.full, { throwIfNoEntry: false });
    if (!st) mkdirSync(dir.full, { mode: 0o755 });
    else if (!st.isDirectory())
      throw new InvalidArgumentError(`opaque whiteout in ${dirName}, which is not a directory`);
    lsetxattr(dir.full, 'trusted.overlay.opaque', Buffer.from('y'));
  } finally {
    dir.release();
  }
}

async function directory(full: string, header: tar.Header, deferred: DeferredDir[]): Promise<void> {
  const existing = lstatSync(full, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) await removeExisting(full);
  if (!existing?.isDirectory()) mkdirSync(full, { mode: 0o700 });
  lchownSync(full, header.uid, header.gid);
  applyXattrs(full, header);
  deferred.push({ name: header.name, mode: header.mode, mtime: header.mtime });
}

/** Files up to this size are gathered and written in one call: most of a layer's files are small. */
const SMALL_FILE = 256 * 1024;

async function regularFile(full: string, header: tar.Header, body: Readable): Promise<void> {
  await removeExisting(full);
  const small = header.size <= SMALL_FILE ? await gather(body) : undefined;
  const fd = openSync(full, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    if (small) writeAll(fd, small);
    else await pipeline(body, createWriteStream('', { fd, autoClose: false }));
    fchownSync(fd, header.uid, header.gid);
    fchmodSync(fd, header.mode & 0o7777); // after chown, which clears set-id bits
    futimesSync(fd, header.mtime, header.mtime);
  } finally {
    closeSync(fd);
  }
  applyXattrs(full, header);
}

async function gather(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done);
}

async function symlink(full: string, header: tar.Header): Promise<void> {
  await removeExisting(full);
  symlinkSync(header.linkname, full);
  lchownSync(full, header.uid, header.gid);
  lutimesSync(full, header.mtime, header.mtime);
  applyXattrs(full, header);
}

/** The link target is resolved inside the root too, so a hard link can never reach outside it. */
async function hardlink(root: LayerRoot, full: string, header: tar.Header): Promise<void> {
  const target = root.entry(header.linkname, false); // `full` holds the cached parent
  try {
    const st = lstatSync(target.full, { throwIfNoEntry: false });
    if (!st)
      throw new InvalidArgumentError(
        `tar entry ${header.name}: hard link target ${header.linkname} is not in this layer`,
      );
    if (st.isDirectory()) throw new InvalidArgumentError(`tar entry ${header.name}: hard link to a directory`);
    await removeExisting(full);
    linkSync(target.full, full);
  } finally {
    target.release();
  }
}

async function device(full: string, header: tar.Header): Promise<void> {
  await removeExisting(full);
  const type = header.type === 'fifo' ? S_IFIFO : header.type === 'block-device' ? S_IFBLK : S_IFCHR;
  mknod(full, type | (header.mode & 0o7777), makedev(header.devmajor ?? 0, header.devminor ?? 0));
  lchownSync(full, header.uid, header.gid);
  chmodSync(full, header.mode & 0o7777);
  lutimesSync(full, header.mtime, header.mtime);
  applyXattrs(full, header);
}

/**
 * Clears the way for an entry: whatever a previous entry of this layer put at this name. A
 * directory may hold as many entries as the layer's cap allows, so it is removed in bounded
 * batches (remove_tree.ts), never in one blocking call.
 */
async function removeExisting(full: string): Promise<void> {
  const st = lstatSync(full, { throwIfNoEntry: false });
  if (st?.isDirectory()) await removeTree(full);
  else if (st) unlinkSync(full);
}

function applyXattrs(full: string, header: tar.Header): void {
  const pax = (header.pax ?? {}) as Record<string, string>;
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith('SCHILY.xattr.')) continue;
    const name = key.slice('SCHILY.xattr.'.length);
    if (RESERVED_XATTR.test(name)) continue;
    // tar-stream decodes PAX values as UTF-8: a binary value that is not valid UTF-8 arrives
    // with U+FFFD in it and cannot be restored; skipping it beats writing a corrupt one.
    if (value.includes('\uFFFD')) {
      log.warn('xattr value is not UTF-8 and was skipped', { entry: header.name, xattr: name });
      continue;
    }
    lsetxattr(full, name, Buffer.from(value, 'utf8'));
  }
}

/** Directories finished between two turns of the event loop: a few hundred microseconds' work. */
const FINISH_BATCH = 64;

/**
 * Sets deferred directory modes and mtimes, deepest first. A layer may hold up to its entry cap
 * of directories, seconds of blocking calls in one go: the event loop is let in every few.
 */
export async function finishDirectories(root: LayerRoot, deferred: DeferredDir[]): Promise<void> {
  let done = 0;
  for (const dir of deferred.reverse()) {
    if (++done % FINISH_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    const target = root.entry(dir.name);
    try {
      // A later entry may have replaced the directory, even by a symlink: never chmod through one.
      if (!lstatSync(target.full, { throwIfNoEntry: false })?.isDirectory()) continue;
      chmodSync(target.full, dir.mode & 0o7777);
      lutimesSync(target.full, dir.mtime, dir.mtime);
    } finally {
      target.release();
    }
  }
}
