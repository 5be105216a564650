// An overlay of 125 layers under a long root path mounts both ways: through the new mount API
// (Linux >= 6.8, this host) and by fd paths through mount(2), the way older kernels get it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { umount2 } from './libc';
import { mountByFdPaths, mountOverlay, type OverlayLayers } from './overlay_mount';

const LAYERS = 125;
const skip = process.getuid?.() !== 0 ? 'mounting an overlay needs root' : undefined;

/** Layer i holds /layer-<i> and /top saying i; top-most first, as overlayfs lists them. */
function makeLayers(root: string): Required<OverlayLayers> {
  const lowerDirs: string[] = [];
  for (let i = 0; i < LAYERS; i++) {
    const dir = path.join(root, `layer-${String(i).padStart(3, '0')}-${'x'.repeat(60)}`, 'fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `layer-${i}`), `${i}\n`);
    writeFileSync(path.join(dir, 'top'), `${i}\n`);
    lowerDirs.unshift(dir);
  }
  for (const name of ['upper', 'work', 'merged']) mkdirSync(path.join(root, name));
  return { lowerDirs, upperDir: path.join(root, 'upper'), workDir: path.join(root, 'work') };
}

for (const [name, mountIt] of [
  ['mountOverlay', mountOverlay],
  ['mountByFdPaths', mountByFdPaths],
] as const) {
  test(`${name}: ${LAYERS} layers whose option string exceeds a page`, { skip }, () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'corral-overlay-'));
    const merged = path.join(root, 'merged');
    try {
      const layers = makeLayers(root);
      assert.ok(layers.lowerDirs.join(':').length > 4096);
      mountIt(merged, layers);
      try {
        assert.equal(readdirSync(merged).length, LAYERS + 1);
        assert.equal(readFileSync(path.join(merged, 'top'), 'utf8'), `${LAYERS - 1}\n`, 'the top layer wins');
        assert.equal(readFileSync(path.join(merged, 'layer-0'), 'utf8'), '0\n', 'the bottom layer is there');
        writeFileSync(path.join(merged, 'new'), 'written');
        assert.equal(readFileSync(path.join(layers.upperDir, 'new'), 'utf8'), 'written');
      } finally {
        umount2(merged);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
