// A persisted store of objects with immutable metadata and a mutable, versioned status
// (containerd's metadata/status split).
//
//   <dir>/<id>/meta.json     written once, at add()
//   <dir>/<id>/status.json   { format, version, status }, replaced atomically on every update
//
// `format` is the on-disk layout of the record (meta and status); `version` counts its updates.
// A record without `format` was written before the field existed and has layout 1. A layout
// newer than RECORD_FORMAT comes from a newer corral: load() refuses it, before touching any
// file, rather than guess at it or rewrite it.
//
// A status changes only through update(): copy, transform (which may refuse the transition by
// throwing), write atomically, then swap in memory. Names are reserved before slow work so a
// retried request finds the in-flight object instead of creating a second one (CRI-O's idea).
import { promises as fs, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '../errors';
import { isIdPrefix, resolveIdPrefix } from '../ids';
import { fsyncDir, readJsonIfExistsSync, removeStaleTempsSync, writeFilesAtomic, writeJsonAtomic } from './atomic_file';
import { KeyedMutex } from './keyed_mutex';

/** Records read between two turns of the event loop at start (a millisecond or two of work). */
const LOAD_BATCH = 16;

export interface StoredRecord<M, S> {
  readonly id: string;
  readonly meta: Readonly<M>;
  readonly status: Readonly<S>;
  readonly version: number;
}

/** The record layout this corral writes and reads; raise it when meta or status change shape. */
export const RECORD_FORMAT = 1;

interface StatusFile<S> {
  format?: number;
  version: number;
  status: S;
}

/** A record from a newer corral: this one must not manage it, nor rewrite it. */
export class NewerRecordError extends FailedPreconditionError {}

export class RecordStore<M, S> {
  private readonly records = new Map<string, StoredRecord<M, S>>();
  private readonly names = new Map<string, string>();
  private readonly mutex = new KeyedMutex();
  // Status writes are serialised apart from locked(): an exit watcher may record an exit while
  // a long operation (a stop waiting for that exit) holds the object's lock.
  private readonly updates = new KeyedMutex();

  /** `kind` names the objects in errors ("container", "pod sandbox"). */
  constructor(
    readonly dir: string,
    readonly kind: string,
    private readonly nameOf: (meta: M) => string,
  ) {}

  /**
   * Rebuilds the in-memory view from disk. It runs once, at start, so the small record files are
   * read synchronously (see readJsonIfExistsSync), a batch at a time: corrald already answers
   * Version meanwhile. Everything is read, and a record from a newer corral refused, before any
   * file is touched. A directory without meta.json and status.json is a half-made add and is
   * removed. Temporary files a crash left in the records kept are for sweepStaleTemps(), later.
   */
  async load(): Promise<{ loaded: number; discarded: string[] }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const intern = stringInterner();
    const read: Array<{ id: string; recordDir: string; statusFile?: StatusFile<S>; meta?: M }> = [];
    for (const id of readdirSync(this.dir)) {
      if (read.length % LOAD_BATCH === LOAD_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      const recordDir = path.join(this.dir, id);
      const statusFile = intern(readJsonIfExistsSync<StatusFile<S>>(path.join(recordDir, 'status.json')));
      const meta = intern(readJsonIfExistsSync<M>(path.join(recordDir, 'meta.json')));
      read.push({ id, recordDir, statusFile, meta });
    }
    for (const { id, statusFile } of read) this.refuseNewer(id, statusFile);
    const discarded: string[] = [];
    for (const [index, { id, recordDir, statusFile, meta }] of read.entries()) {
      if (index % LOAD_BATCH === LOAD_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      if (!meta || !statusFile) {
        await fs.rm(recordDir, { recursive: true, force: true });
        discarded.push(id);
        continue;
      }
      this.records.set(id, { id, meta, status: statusFile.status, version: statusFile.version });
      this.names.set(this.nameOf(meta), id);
    }
    return { loaded: this.records.size, discarded };
  }

  /**
   * Removes the temporary files of writes a crash cut short, a batch of records per event-loop
   * turn, once start-up's work is done: listing a thousand record directories inside load() was
   * about a third of the two stores' load, in the way of the first ListPodSandbox. Each record's
   * under its update lock, so that the temporary file of a status write in progress is never
   * taken; a record being added is not listed yet, and one removed meanwhile has nothing left to
   * sweep. Never rejects: a file left is only litter.
   */
  async sweepStaleTemps(): Promise<void> {
    for (const [index, id] of [...this.records.keys()].entries()) {
      if (index % LOAD_BATCH === LOAD_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      await this.updates
        .run(id, async () => {
          if (this.records.has(id)) removeStaleTempsSync(this.recordDir(id));
        })
        .catch(() => undefined);
    }
  }

  private refuseNewer(id: string, statusFile: StatusFile<S> | undefined): void {
    const format = statusFile?.format ?? 1;
    if (Number.isSafeInteger(format) && format >= 1 && format <= RECORD_FORMAT) return;
    throw new NewerRecordError(
      `${this.kind} ${id} in ${this.dir} has record format ${JSON.stringify(format)}, newer than this ` +
        `corrald's ${RECORD_FORMAT}: it was written by a newer corral, which must manage it (a downgrade ` +
        `cannot read it; nothing was changed)`,
    );
  }

  /** Claims `name` for `id`; throws AlreadyExists naming the holder. */
  reserveName(name: string, id: string): void {
    const holder = this.names.get(name);
    if (holder !== undefined && holder !== id) {
      throw new AlreadyExistsError(`${this.kind} name ${JSON.stringify(name)} is reserved by ${holder}`);
    }
    this.names.set(name, id);
  }

  releaseName(name: string, id: string): void {
    if (this.names.get(name) === id) this.names.delete(name);
  }

  async add(id: string, meta: M, status: S): Promise<StoredRecord<M, S>> {
    if (this.records.has(id)) throw new AlreadyExistsError(`${this.kind} ${id} already exists`);
    const recordDir = path.join(this.dir, id);
    mkdirSync(recordDir, { recursive: true, mode: 0o700 }); // blocking, as the writes (atomic_file.ts)
    // load() keeps a record only when both files are there; one directory fsync covers both.
    await writeFilesAtomic(recordDir, [
      { name: 'status.json', data: JSON.stringify({ format: RECORD_FORMAT, version: 1, status }) },
      { name: 'meta.json', data: JSON.stringify(meta) },
    ]);
    const record = { id, meta, status, version: 1 };
    this.records.set(id, record);
    this.names.set(this.nameOf(meta), id);
    return record;
  }

  get(id: string): StoredRecord<M, S> | undefined {
    return this.records.get(id);
  }

  /** Full ID or unique prefix → record; NotFound or InvalidArgument (ambiguous) otherwise. */
  resolve(idOrPrefix: string): StoredRecord<M, S> {
    const id = resolveIdPrefix(idOrPrefix, this.records.keys(), this.kind);
    return this.records.get(id)!;
  }

  /** Like resolve(), but undefined when nothing matches, malformed IDs included (idempotent stop/remove). */
  find(idOrPrefix: string): StoredRecord<M, S> | undefined {
    if (!isIdPrefix(idOrPrefix)) return undefined;
    try {
      return this.resolve(idOrPrefix);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  idForName(name: string): string | undefined {
    return this.names.get(name);
  }

  list(): StoredRecord<M, S>[] {
    return [...this.records.values()];
  }

  /** Directory where callers may keep per-object files beside meta and status. */
  recordDir(id: string): string {
    return path.join(this.dir, id);
  }

  /** Runs `fn` with this object's operations serialised. */
  async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(id, fn);
  }

  /** Copy, transform, persist, swap. `change` may throw to refuse the transition. */
  async update(id: string, change: (status: Readonly<S>) => S): Promise<StoredRecord<M, S>> {
    return this.updates.run(id, () => this.updateNow(id, change));
  }

  private async updateNow(id: string, change: (status: Readonly<S>) => S): Promise<StoredRecord<M, S>> {
    const current = this.records.get(id);
    if (!current) throw new NotFoundError(`${this.kind} ${id} not found`);
    const status = change(structuredClone(current.status));
    // A change that changes nothing (a second path recording the same exit) writes nothing: the
    // file already holds this status, and its fsyncs would only delay the caller.
    if (isDeepStrictEqual(status, current.status)) return current;
    const version = current.version + 1;
    // The directory is synced too: an exit code recorded just before a power cut must survive it.
    await writeJsonAtomic(path.join(this.dir, id, 'status.json'), { format: RECORD_FORMAT, version, status });
    const next = { ...current, status, version };
    this.records.set(id, next);
    return next;
  }

  /** `flush: false` leaves the removal to be flushed by flush(), with others (one fsync for all). */
  async remove(id: string, { flush = true } = {}): Promise<void> {
    const current = this.records.get(id);
    if (!current) return;
    // Drop meta.json first so a crash mid-removal is discarded by load(). Blocking, as the
    // writes (atomic_file.ts): only the fsync goes to the thread pool.
    rmSync(path.join(this.dir, id, 'meta.json'), { force: true });
    rmSync(path.join(this.dir, id), { recursive: true, force: true });
    if (flush) await this.flush();
    this.records.delete(id);
    this.releaseName(this.nameOf(current.meta), id);
  }

  /** Makes the removals made so far durable. */
  async flush(): Promise<void> {
    await fsyncDir(this.dir);
  }
}

/**
 * Makes equal strings in parsed records one string: records repeat the same capability names,
 * masked paths, image names and commands, and parsed apart each record held its own copies
 * (about 4 MiB at 500 pods). A walk after a plain JSON.parse: a reviver makes the parse itself
 * take the slow path (3x at 500 containers).
 */
function stringInterner(): <T>(value: T) => T {
  const seen = new Map<string, string>();
  const intern = (text: string): string => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    seen.set(text, text);
    return text;
  };
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const holder = node as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      const value = holder[key];
      if (typeof value === 'string') holder[key] = intern(value);
      else walk(value);
    }
  };
  return (value) => {
    walk(value);
    return value;
  };
}
