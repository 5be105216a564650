// The overlay snapshotter's load(): what a power loss can leave of a snapshot, which is not
// flushed (a meta.json cut short, or none), is taken for half-made and removed, as is the trash a
// crash left (both after load() returns). remove(): the snapshot's place is free once it resolves,
// its files go after. Its unmount:
// off the event loop, waiting for one begun earlier, idempotent, lazy when the mount is busy.
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { mount } from '../../native/libc';
import type { ImageStore } from './image_store';
import type { LayerStore } from './layer_store';
import { OverlaySnapshotter } from './snapshotter';

function snapshotDir(root: string, key: string, meta?: string): string {
  const dir = path.join(root, key);
  mkdirSync(path.join(dir, 'upper'), { recursive: true });
  if (meta !== undefined) writeFileSync(path.join(dir, 'meta.json'), meta);
  return dir;
}

test('load keeps whole snapshots and removes those whose meta.json is missing or cut short', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'corral-snapshots-'));
  try {
    const whole = snapshotDir(root, 'whole', JSON.stringify({ key: 'whole', imageId: 'sha256:a', chainIds: ['c1'] }));
    const cut = snapshotDir(root, 'cut', '{"key":"cut","imageId":"sha');
    const empty = snapshotDir(root, 'empty', '');
    const none = snapshotDir(root, 'none');
    const trash = snapshotDir(root, '.trash-0123456789abcdef', JSON.stringify({ key: 'gone' }));
    writeFileSync(path.join(trash, 'upper', 'written'), 'by the container');
    // load() reads only the root: no image or layer is looked at.
    const snapshots = new OverlaySnapshotter(root, {} as ImageStore, {} as LayerStore);
    await snapshots.load();
    assert.deepEqual([...snapshots.chainIdsInUse()], ['c1']);
    assert.ok(existsSync(whole));
    for (const dir of [cut, empty, none]) assert.ok(!existsSync(dir), `${dir} is out of its place`);
    await snapshots.removalsSettled();
    assert.deepEqual(readdirSync(root), ['whole']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("remove: the key's place is free when it resolves; the files it held go after", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'corral-snapshots-'));
  try {
    const meta = { key: 'ctr', imageId: 'sha256:a', chainIds: [] };
    const dir = snapshotDir(root, 'ctr', JSON.stringify(meta));
    mkdirSync(path.join(dir, 'upper', 'deep', 'er'), { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(path.join(dir, 'upper', 'deep', `f${i}`), 'x');
    const images = { list: () => [] } as unknown as ImageStore;
    const snapshots = new OverlaySnapshotter(root, images, {} as LayerStore);
    await snapshots.load();
    await snapshots.remove('ctr');
    assert.ok(!existsSync(dir));
    await snapshots.remove('ctr'); // again: nothing left to remove
    await snapshots.removalsSettled();
    assert.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const isMounted = (target: string): boolean =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === target);

test('unmount: waits for one begun by startUnmount; a target not mounted is done; a busy one is detached', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'corral-snapshots-'));
  const target = path.join(root, 'rootfs');
  mkdirSync(target);
  const snapshots = new OverlaySnapshotter(root, {} as ImageStore, {} as LayerStore);
  try {
    mount('tmpfs', target, 'tmpfs', 0, 'size=1m');
    assert.ok(isMounted(target));
    const started = snapshots.startUnmount(target);
    await snapshots.unmount(target);
    assert.ok(!isMounted(target));
    await started;
    await snapshots.unmount(target); // EINVAL, learnt on a second try on this thread
    mount('tmpfs', target, 'tmpfs', 0, 'size=1m');
    const busy = openSync(path.join(target, 'open'), 'w');
    try {
      await snapshots.unmount(target); // EBUSY: detached, gone once the file is closed
      assert.ok(!isMounted(target));
    } finally {
      closeSync(busy);
    }
  } finally {
    if (isMounted(target)) await snapshots.unmount(target);
    rmSync(root, { recursive: true, force: true });
  }
});
