// Crash-safe file writes: a reader sees the old content or the new, never a torn file.
import {
  promises as fs,
  closeSync,
  constants,
  fsync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

// Corral's own small files are opened, written, renamed and closed with blocking calls (tens of
// microseconds each, against a thread-pool round trip each, which made most of a write's time);
// only the fsyncs, whose time depends on the disk, go to the thread pool.

const fsyncAsync = promisify(fsync);

/** Writes `data` to `file` via temp file, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  replaceWith(await writeSyncedTemp(file, data, mode), file);
  await fsyncDir(path.dirname(file));
}

/** Several files of one directory, each replaced atomically, with one fsync of the directory. */
export async function writeFilesAtomic(
  dir: string,
  files: { name: string; data: string | Uint8Array }[],
  mode = 0o600,
): Promise<void> {
  const targets = files.map(({ name }) => path.join(dir, name));
  const temps = await Promise.all(files.map(({ data }, i) => writeSyncedTemp(targets[i], data, mode)));
  for (const [i, temp] of temps.entries()) replaceWith(temp, targets[i]);
  await fsyncDir(dir);
}

/**
 * Replaces `file` with `data` before it returns, so another process (or this one after a kill -9)
 * reads the new content at once, and flushes it in the background: the promise resolves once the
 * file and its directory entry are on disk. For a record that must exist before something else
 * starts but need only be durable before the caller replies; a power cut before the promise
 * resolves may leave the old file, none, or an empty one (its reader must cope).
 */
export function replaceFileThenFlush(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = tempBeside(file);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeAll(fd, data);
    replaceWith(temp, file);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  const flushFile = fsyncAsync(fd).finally(() => closeSync(fd));
  return Promise.all([flushFile, fsyncDir(path.dirname(file))]).then(() => undefined);
}

/** A temp file beside `file` holding `data`, flushed to disk. */
async function writeSyncedTemp(file: string, data: string | Uint8Array, mode: number): Promise<string> {
  const temp = tempBeside(file);
  await writeSyncedFile(temp, data, mode);
  return temp;
}

/** A new name beside `file` that removeStaleTemps recognises. */
function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}

/** Creates `file` (it must not exist) holding `data`, flushed to disk before this resolves. */
async function writeSyncedFile(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeAll(fd, data);
    await fsyncAsync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  closeSync(fd);
}

function replaceWith(temp: string, file: string): void {
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  await fsyncPath(dir, constants.O_DIRECTORY);
}

/** Flushes a file or directory (opened read-only) to disk. */
export async function fsyncPath(file: string, flags = 0): Promise<void> {
  const fd = openSync(file, constants.O_RDONLY | flags);
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value));
}

/** Reads JSON, or undefined when the file does not exist. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes temp files a crash left behind in `dir`. */
export async function removeStaleTemps(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith('.') && name.endsWith('.tmp')) await fs.rm(path.join(dir, name), { force: true });
  }
}

/**
 * readJsonIfExists for a small file of corral's own (records, a bundle's state): one blocking
 * read costs far less than the four thread-pool round trips of an async one, which at hundreds
 * of records made most of the start-up time.
 */
export function readJsonIfExistsSync<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** removeStaleTemps for start-up (see readJsonIfExistsSync). */
export function removeStaleTempsSync(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
  }
}
