// In-memory ImageLookup and Snapshotter; the snapshot "mount" writes a tiny rootfs with an
// /etc/passwd and /etc/group so user resolution is exercised.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NotFoundError } from '../errors';
import type { ImageLookup, ImageRecord, SnapshotMount, Snapshotter } from '../image/contract';

export const BUSYBOX: ImageRecord = {
  id: 'sha256:' + 'b'.repeat(64),
  repoTags: ['docker.io/library/busybox:latest'],
  repoDigests: ['docker.io/library/busybox@sha256:' + 'd'.repeat(64)],
  size: 1000,
  pinned: false,
  config: { entrypoint: [], cmd: ['sh'], env: ['PATH=/bin'], workingDir: '', user: '', stopSignal: '', labels: {} },
};

export class FakeImages implements ImageLookup {
  readonly images: ImageRecord[] = [BUSYBOX];

  resolve(reference: string): ImageRecord {
    const found = this.images.find(
      (i) =>
        i.id === reference ||
        i.repoTags.includes(reference) ||
        i.repoTags.some((t) => t.endsWith(`/${reference}`) || t.endsWith(`/${reference}:latest`)),
    );
    if (!found) throw new NotFoundError(`image ${reference} not found`);
    return found;
  }
}

export class FakeSnapshotter implements Snapshotter {
  readonly snapshots = new Set<string>();
  readonly mounted = new Set<string>();
  passwd = 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/sh\n';
  group = 'root:x:0:\nwww:x:33:\nstaff:x:50:www\n';

  async prepare(key: string): Promise<SnapshotMount> {
    this.snapshots.add(key);
    return { lowerDirs: [], upperDir: `/fake/${key}/upper`, workDir: `/fake/${key}/work` };
  }

  async view(key: string): Promise<void> {
    this.snapshots.add(key);
  }

  async mount(_key: string, target: string): Promise<void> {
    await fs.mkdir(path.join(target, 'etc'), { recursive: true });
    await fs.writeFile(path.join(target, 'etc', 'passwd'), this.passwd);
    await fs.writeFile(path.join(target, 'etc', 'group'), this.group);
    this.mounted.add(target);
  }

  /** target → the unmount startUnmount began */
  private readonly unmounting = new Map<string, Promise<void>>();

  async unmount(target: string): Promise<void> {
    const started = this.unmounting.get(target);
    this.unmounting.delete(target);
    await started;
    await this.unmountNow(target);
  }

  startUnmount(target: string): Promise<void> {
    const unmounting = this.unmountNow(target);
    this.unmounting.set(target, unmounting);
    return unmounting;
  }

  private async unmountNow(target: string): Promise<void> {
    // A fake mount is files in the directory: take them away as an unmount would.
    if (this.mounted.delete(target)) await fs.rm(path.join(target, 'etc'), { recursive: true, force: true });
  }

  async usage(): Promise<{ bytes: number; inodes: number }> {
    return { bytes: 0, inodes: 0 };
  }

  async remove(key: string): Promise<void> {
    this.snapshots.delete(key);
  }
}
