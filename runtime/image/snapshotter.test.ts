// The overlay snapshotter's load(): what a power loss can leave of a snapshot, which is not
// flushed (a meta.json cut short, or none), is taken for half-made and removed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
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
    // load() reads only the root: no image or layer is looked at.
    const snapshots = new OverlaySnapshotter(root, {} as ImageStore, {} as LayerStore);
    await snapshots.load();
    assert.deepEqual([...snapshots.chainIdsInUse()], ['c1']);
    assert.ok(existsSync(whole));
    for (const dir of [cut, empty, none]) assert.ok(!existsSync(dir), `${dir} is removed`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
