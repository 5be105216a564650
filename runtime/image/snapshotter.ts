// Overlay snapshots: a container's rootfs is its image's layer directories (lowerdirs) plus its
// own upper and work directories, under <root>/<key>/. A view (an image volume) has neither: its
// overlay is the layers alone, read-only, over an empty directory (overlayfs wants two lowers). The snapshot records the chain IDs it
// stands on, so those layers outlive the image until the snapshot is removed.
//   <root>/<key>/meta.json  { key, imageId, chainIds, view? }   (the snapshot exists iff this exists)
//   <root>/<key>/upper, work   (views: empty)
// Made in .tmp-*/ and renamed into place; removed by renaming to .trash-*/, whose tree goes after
// the removal's reply (removals_after_reply.ts; load() sweeps what a crash left). A view is
// flushed to disk before view() resolves. A writable snapshot is not: what it holds (the upper
// directory the container writes) is never flushed either, and no container outlives a power
// loss; the container's record, flushed before CreateContainer replies, is what must survive,
// and a record whose snapshot did not is an exited container whose removal finds nothing to
// remove. load() takes a snapshot whose meta.json is missing or cut short for a half-made one.
// <root> and <root>/<key> are 0700: the overlay itself keeps setuid files and devices working
// inside the container, as under runc, so local users are kept out by the directories above it
// (its upperdir is printed in every /proc/<pid>/mountinfo).
import { randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import { KeyedMutex } from '../store/keyed_mutex';
import { fsyncPath, readJsonIfExistsSync } from '../store/atomic_file';
import { MNT_DETACH, SyscallError, umount2, umount2OffLoop } from '../../native/libc';
import { OverlayTooLongError, mountOverlay } from '../../native/overlay_mount';
import { mountIdmappedReadOnlyOverlay } from '../../native/idmapped_overlay';
import type { SnapshotMount, Snapshotter } from './contract';
import { recentDiskUsage } from './disk_usage';
import { PRIVATE_DIR_MODE, ensurePrivateDir, tightenSync } from '../store/private_dir';
import { inBatches } from '../store/in_batches';
import type { ImageStore } from './image_store';
import type { LayerStore } from './layer_store';
import { RemovalsAfterReply } from '../removals_after_reply';

interface SnapshotMeta {
  key: string;
  imageId: string;
  chainIds: string[];
  /** A read-only view: no upper, no work. */
  view?: true;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

export class OverlaySnapshotter implements Snapshotter {
  private readonly metas = new Map<string, SnapshotMeta>();
  private readonly locks = new KeyedMutex();
  /** target → whether the unmount startUnmount began succeeded (the next unmount takes it) */
  private readonly unmountsStarted = new Map<string, Promise<boolean>>();
  private readonly trash = new RemovalsAfterReply();

  /**
   * `guard` serialises snapshot creation with garbage collection (pass the image service's);
   * `onRelease` runs after a snapshot is removed so its layers can be collected.
   */
  constructor(
    readonly root: string,
    private readonly images: ImageStore,
    private readonly layers: LayerStore,
    private readonly guard: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
    private readonly onRelease: () => Promise<void> = async () => undefined,
  ) {}

  async load(): Promise<void> {
    await ensurePrivateDir(this.root);
    // A node may hold hundreds: corral's own small files, read blocking a batch at a time.
    await inBatches(await fs.readdir(this.root), async (name) => {
      const dir = path.join(this.root, name);
      const meta = name.startsWith('.') ? undefined : readMeta(path.join(dir, 'meta.json'));
      if (!meta) {
        // A .trash-* or half-made one (what a container wrote, any size): removed after start-up,
        // out of the way of a snapshot made again under its key.
        this.trash.add(name.startsWith('.trash-') ? dir : this.renameToTrash(dir));
        return;
      }
      tightenSync(dir);
      this.metas.set(meta.key, meta);
    });
  }

  /** Chain IDs every snapshot stands on: garbage collection keeps these layers. */
  chainIdsInUse(): Set<string> {
    return new Set([...this.metas.values()].flatMap((m) => m.chainIds));
  }

  async prepare(key: string, imageId: string): Promise<SnapshotMount> {
    const meta = await this.ensure(key, imageId, false);
    return this.mountSpec(meta);
  }

  async view(key: string, imageId: string): Promise<void> {
    await this.ensure(key, imageId, true);
  }

  private ensure(key: string, imageId: string, view: boolean): Promise<SnapshotMeta> {
    checkKey(key);
    return this.locks.run(key, () =>
      this.guard(async () => {
        const existing = this.metas.get(key);
        if (existing) return existing;
        const image = this.images.resolve(imageId);
        const chainIds = image.layers.map((l) => l.chainId);
        const missing = chainIds.find((chainId) => !this.layers.has(chainId));
        if (missing)
          throw new FailedPreconditionError(`image ${image.id}: layer ${missing} is missing; pull the image again`);
        const meta: SnapshotMeta = { key, imageId: image.id, chainIds, ...(view ? { view } : {}) };
        await this.create(meta);
        this.metas.set(key, meta);
        return meta;
      }),
    );
  }

  /**
   * Made in a staging directory renamed into place, with blocking calls (tens of microseconds
   * each, against a thread-pool round trip each); a view is then flushed (see the top).
   */
  private async create(meta: SnapshotMeta): Promise<void> {
    const staging = path.join(this.root, `.tmp-${randomBytes(8).toString('hex')}`);
    const dir = path.join(this.root, meta.key);
    try {
      // Private: the upper directory holds whatever the container writes, setuid files included.
      mkdirSync(staging, { mode: PRIVATE_DIR_MODE });
      // Its mode is the mode of the container's "/", as under runc.
      if (!meta.view) mkdirSync(path.join(staging, 'upper'), { mode: 0o755 });
      if (!meta.view) mkdirSync(path.join(staging, 'work'), { mode: 0o700 });
      if (meta.view || meta.chainIds.length === 0) mkdirSync(path.join(staging, 'empty'), { mode: 0o755 });
      writeFileSync(path.join(staging, 'meta.json'), JSON.stringify(meta), { mode: 0o600, flag: 'wx' });
      renameSync(staging, dir);
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      throw err;
    }
    if (meta.view) await Promise.all([fsyncPath(path.join(dir, 'meta.json')), fsyncPath(dir), fsyncPath(this.root)]);
  }

  private mountSpec(meta: SnapshotMeta): SnapshotMount {
    const dir = path.join(this.root, meta.key);
    const layers = [...meta.chainIds].reverse().map((c) => this.layers.fsPath(c));
    const lowerDirs = meta.view || layers.length === 0 ? [...layers, path.join(dir, 'empty')] : layers;
    return { lowerDirs, upperDir: path.join(dir, 'upper'), workDir: path.join(dir, 'work') };
  }

  async mount(key: string, target: string, idmap?: { usernsPath: string }): Promise<void> {
    const meta = this.metas.get(key);
    if (!meta) throw new NotFoundError(`snapshot ${key} not found`);
    const spec = this.mountSpec(meta);
    this.unmountsStarted.delete(target);
    if (idmap) {
      // A writable rootfs is idmapped by the helper inside the container's mount namespace.
      if (!meta.view) throw new InvalidArgumentError(`snapshot ${key}: only a view is idmapped here`);
      return mountIdmappedReadOnlyOverlay(target, spec.lowerDirs, idmap.usernsPath);
    }
    try {
      mountOverlay(target, meta.view ? { lowerDirs: spec.lowerDirs } : spec);
    } catch (err) {
      if (err instanceof OverlayTooLongError) throw new InvalidArgumentError(`snapshot ${key}: ${err.message}`);
      throw err;
    }
  }

  /** Off the event loop: a writable overlay's last unmount syncs the host filesystem under it. */
  async unmount(target: string): Promise<void> {
    const started = this.unmountsStarted.get(target);
    this.unmountsStarted.delete(target);
    if (started && (await started)) return;
    await unmountOffLoop(target);
  }

  startUnmount(target: string): Promise<void> {
    const unmounting = unmountOffLoop(target);
    this.unmountsStarted.set(
      target,
      unmounting.then(
        () => true,
        () => false,
      ),
    );
    return unmounting;
  }

  async usage(key: string): Promise<{ bytes: number; inodes: number }> {
    const meta = this.metas.get(key);
    if (!meta) throw new NotFoundError(`snapshot ${key} not found`);
    if (meta.view) return { bytes: 0, inodes: 0 };
    return recentDiskUsage(path.join(this.root, key, 'upper'));
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    const chainIds = this.metas.get(key)?.chainIds ?? [];
    await this.locks.run(key, async () => {
      const dir = path.join(this.root, key);
      try {
        this.trash.add(this.renameToTrash(dir));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      this.metas.delete(key);
    });
    // Collection (exclusive with pulls, a listing of every layer and blob) can free something only
    // when a layer of this snapshot is no longer any image's: its image was removed meanwhile, and
    // that removal's own collection still saw this snapshot. Checked after the snapshot is gone
    // from `metas`, so one of the two collections always sees both changes.
    if (!this.allHeldByImages(chainIds)) await this.onRelease();
  }

  /** Blocking, as the snapshot's making: one rename, no round trip. */
  private renameToTrash(dir: string): string {
    const trash = path.join(this.root, `.trash-${randomBytes(8).toString('hex')}`);
    renameSync(dir, trash);
    return trash;
  }

  /** Resolves once the trees of removed snapshots are gone (tests). */
  removalsSettled(): Promise<void> {
    return this.trash.settled();
  }

  private allHeldByImages(chainIds: string[]): boolean {
    const held = new Set(this.images.list().flatMap((image) => image.layers.map((layer) => layer.chainId)));
    return chainIds.every((chainId) => held.has(chainId));
  }

  /** Bytes and inodes of every snapshot's writable layer (ImageFsInfo's container filesystem). */
  async totalUsage(): Promise<{ bytes: number; inodes: number }> {
    const total = { bytes: 0, inodes: 0 };
    for (const [key, meta] of this.metas) {
      if (meta.view) continue; // a view writes nothing; its layers count once, as the image's
      const u = await recentDiskUsage(path.join(this.root, key, 'upper'));
      total.bytes += u.bytes;
      total.inodes += u.inodes;
    }
    return total;
  }
}

async function unmountOffLoop(target: string): Promise<void> {
  if (await umount2OffLoop(target)) return;
  try {
    umount2(target, 0); // asked again on this thread to learn why: a failure costs no sync
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    if (err.code === 'EINVAL' || err.code === 'ENOENT') return; // not mounted: already done
    if (err.code === 'EBUSY') return umount2(target, MNT_DETACH);
    throw err;
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key))
    throw new InvalidArgumentError(
      `snapshot key ${JSON.stringify(key)} must be [A-Za-z0-9_.-], at most 200 characters`,
    );
}

/** A snapshot's meta.json; undefined when missing or cut short (a power loss before its fsync). */
function readMeta(file: string): SnapshotMeta | undefined {
  try {
    return readJsonIfExistsSync<SnapshotMeta>(file);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}
