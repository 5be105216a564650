// Unpacked layers, one directory per chain ID, shared by every image that has the layer:
//   <root>/<chain hex>/fs          the layer's files (an overlayfs lowerdir)
//   <root>/<chain hex>/layer.json  { chainId, diffId, bytes, inodes }
// A layer is unpacked into .tmp-*/ and renamed into place when complete; removal renames it to
// .trash-*/ first. So a crash never leaves a half-made layer under a chain ID. A layer holds what
// its image chose, up to a million entries: it is removed in bounded batches (remove_tree.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic, fsyncDir } from '../store/atomic_file';
import type { ImageUnpackBudget } from './unpack/unpack_budget';
import { diskUsage } from './disk_usage';
import { PRIVATE_DIR_MODE, ensurePrivateDir } from '../store/private_dir';
import { removeTree } from '../remove_tree';

export interface LayerInfo {
  chainId: string;
  diffId: string;
  bytes: number;
  inodes: number;
}

export class LayerStore {
  private readonly inflight = new Map<string, Promise<LayerInfo>>();

  constructor(readonly root: string) {}

  async load(): Promise<void> {
    await ensurePrivateDir(this.root);
    for (const name of await fs.readdir(this.root)) {
      if (name.startsWith('.')) await removeTree(path.join(this.root, name));
    }
  }

  /** The directory overlayfs uses as this layer's lowerdir. */
  fsPath(chainId: string): string {
    return path.join(this.root, chainId.slice(7), 'fs');
  }

  /**
   * Whether the layer is unpacked (its layer.json is written last): one blocking stat, against
   * the four thread-pool round trips of reading the file, on every container's create.
   */
  has(chainId: string): boolean {
    return existsSync(path.join(this.root, chainId.slice(7), 'layer.json'));
  }

  async info(chainId: string): Promise<LayerInfo | undefined> {
    return readJsonIfExists<LayerInfo>(path.join(this.root, chainId.slice(7), 'layer.json'));
  }

  /** Unpacks `blobPath` as layer `chainId` unless present; concurrent calls share one unpack. */
  ensure(chainId: string, diffId: string, blobPath: string, budget?: ImageUnpackBudget): Promise<LayerInfo> {
    const running = this.inflight.get(chainId);
    if (running) return running;
    const job = this.unpackOnce(chainId, diffId, blobPath, budget).finally(() => this.inflight.delete(chainId));
    this.inflight.set(chainId, job);
    return job;
  }

  private async unpackOnce(
    chainId: string,
    diffId: string,
    blobPath: string,
    budget?: ImageUnpackBudget,
  ): Promise<LayerInfo> {
    const existing = await this.info(chainId);
    if (existing) return existing;
    const staging = path.join(this.root, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      await fs.mkdir(staging, { mode: PRIVATE_DIR_MODE });
      await fs.mkdir(path.join(staging, 'fs'), { mode: 0o755 });
      // The unpacker (tar-stream, zstd) loads on the first pull, not at start.
      const { unpackLayer } = await import('./unpack/layer_unpack');
      await unpackLayer(blobPath, path.join(staging, 'fs'), diffId, budget?.forLayer(staging));
      const usage = await diskUsage(path.join(staging, 'fs'));
      const info: LayerInfo = { chainId, diffId, ...usage };
      await writeJsonAtomic(path.join(staging, 'layer.json'), info);
      await fs.rename(staging, path.join(this.root, chainId.slice(7)));
      await fsyncDir(this.root);
      return info;
    } finally {
      await removeTree(staging);
    }
  }

  async list(): Promise<string[]> {
    return (await fs.readdir(this.root)).filter((n) => !n.startsWith('.')).map((hex) => `sha256:${hex}`);
  }

  async remove(chainId: string): Promise<void> {
    const dir = path.join(this.root, chainId.slice(7));
    const trash = path.join(this.root, `.trash-${randomBytes(8).toString('hex')}`);
    try {
      await fs.rename(dir, trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await removeTree(trash);
  }
}
