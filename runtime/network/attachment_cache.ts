// The per-pod record of what corral handed to CNI, written before ADD and updated with each result,
// so DEL gets the same inputs (and the ADD result) after a corrald restart or a config change.
import { promises as fs, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { InternalError, InvalidArgumentError } from '../errors';
import { readJsonIfExists, removeStaleTemps, replaceFileThenFlush, writeJsonAtomic } from '../store/atomic_file';
import type { JsonObject } from './cni_config';
import type { Attachment } from './cni_chain';

export interface CachedAttachment extends Attachment {
  /** The ADD result; null while ADD has not finished. */
  result: JsonObject | null;
}

export interface CachedPodNetwork {
  kind: 'corral-cni-v1';
  podId: string;
  netns: string;
  attachments: CachedAttachment[];
}

/** A record that does not parse (a disk fault): DEL falls back to the config in use. */
export class UnreadableAttachmentRecord extends InternalError {}

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

export class AttachmentCache {
  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await removeStaleTemps(this.dir);
  }

  async read(podId: string): Promise<CachedPodNetwork | undefined> {
    try {
      return await readJsonIfExists<CachedPodNetwork>(this.file(podId));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      throw new UnreadableAttachmentRecord(`CNI attachment record of pod ${podId} is unreadable: ${err.message}`);
    }
  }

  async write(entry: CachedPodNetwork): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeJsonAtomic(this.file(entry.podId), entry);
  }

  /**
   * Writes the record before it returns, so a plugin started next, or a corrald restarted after a
   * kill -9 (the page cache outlives it), finds it; the promise resolves once it is on disk.
   */
  writeNow(entry: CachedPodNetwork): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return replaceFileThenFlush(this.file(entry.podId), JSON.stringify(entry));
  }

  async remove(podId: string): Promise<void> {
    await fs.rm(this.file(podId), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -'.json'.length));
  }

  private file(podId: string): string {
    if (!ID_PATTERN.test(podId))
      throw new InvalidArgumentError(`pod id ${JSON.stringify(podId)} cannot name a CNI attachment`);
    return path.join(this.dir, `${podId}.json`);
  }
}
