// Unpack caps (issue 19, item 6): a gzip bomb, a layer of many files, an image whose layers add
// up past the image cap, and a layer larger than the free space all fail with RESOURCE_EXHAUSTED
// before they fill the disk, and leave nothing staged in the layer store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { treeToTar, type TreeEntry } from '../../../conformance/testimages/tree';
import { ResourceExhaustedError } from '../../errors';
import { LayerStore } from '../layer_store';
import { DEFAULT_UNPACK_LIMITS, ImageUnpackBudget, type UnpackLimits } from './unpack_budget';

const MiB = 1024 * 1024;

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-unpack-limits-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  await fs.mkdir(path.join(base, 'layers'));
  return base;
}

/** A gzip layer blob; returns its path (digest checks are skipped: no diff ID is given). */
async function layerBlob(dir: string, name: string, entries: TreeEntry[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, gzipSync(await treeToTar(entries)));
  return file;
}

const zeros = (bytes: number): TreeEntry => ({ type: 'file', path: 'zeros', content: Buffer.alloc(bytes) });

function unpack(store: LayerStore, blob: string, budget: ImageUnpackBudget, n = 1): Promise<unknown> {
  const chain = `sha256:${String(n).padStart(64, '0')}`;
  return store.ensure(chain, '', blob, budget);
}

function assertNothingStaged(store: LayerStore, keep: string[] = []): void {
  assert.deepEqual(
    readdirSync(store.root).filter((n) => !keep.includes(n)),
    [],
  );
}

const limits = (over: Partial<UnpackLimits>): UnpackLimits => ({ ...DEFAULT_UNPACK_LIMITS, reserveBytes: 0, ...over });

test('a gzip bomb past the layer byte cap fails before the file is written', async (t) => {
  const dir = await workdir(t);
  const blob = await layerBlob(dir, 'bomb', [zeros(64 * MiB)]);
  assert.ok((await fs.stat(blob)).size < MiB, 'the blob itself is small');
  const store = new LayerStore(path.join(dir, 'layers'));
  const budget = new ImageUnpackBudget(limits({ maxLayerBytes: 16 * MiB }), 'bomb:latest');
  await assert.rejects(unpack(store, blob, budget), (err: Error) => {
    assert.ok(err instanceof ResourceExhaustedError, String(err));
    assert.match(err.message, /bomb:latest: unpacking stopped at zeros: layer larger than 16777216 bytes/);
    return true;
  });
  assertNothingStaged(store);
});

test('a layer with more entries than the cap fails', async (t) => {
  const dir = await workdir(t);
  const files: TreeEntry[] = Array.from({ length: 3000 }, (_, i) => ({ type: 'file', path: `f${i}`, content: '' }));
  const blob = await layerBlob(dir, 'many', files);
  const store = new LayerStore(path.join(dir, 'layers'));
  const budget = new ImageUnpackBudget(limits({ maxLayerEntries: 1000 }), 'many:latest');
  await assert.rejects(unpack(store, blob, budget), /layer has more than 1000 entries/);
  assertNothingStaged(store);
});

test('layers that each fit but together pass the image cap fail on the layer that crosses it', async (t) => {
  const dir = await workdir(t);
  const one = await layerBlob(dir, 'one', [zeros(8 * MiB)]);
  const two = await layerBlob(dir, 'two', [{ ...zeros(8 * MiB), path: 'more' }]);
  const store = new LayerStore(path.join(dir, 'layers'));
  const budget = new ImageUnpackBudget(limits({ maxImageBytes: 12 * MiB }), 'pair:latest');
  await unpack(store, one, budget, 1);
  await assert.rejects(unpack(store, two, budget, 2), /image larger than 12582912 bytes unpacked/);
  assertNothingStaged(store, ['0'.repeat(63) + '1']); // the first layer, complete
});

test('a layer larger than the free space above the reserve fails without filling the disk', async (t) => {
  const dir = await workdir(t);
  const layers = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-unpack-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'corral-test-tmpfs', layers]);
  t.after(async () => {
    execFileSync('umount', [layers]);
    await fs.rmdir(layers);
  });
  const blob = await layerBlob(dir, 'big', [zeros(64 * MiB)]);
  const store = new LayerStore(layers);
  const budget = new ImageUnpackBudget(limits({ reserveBytes: 8 * MiB }), 'big:latest');
  await assert.rejects(unpack(store, blob, budget), (err: Error) => {
    assert.ok(err instanceof ResourceExhaustedError, String(err));
    assert.match(err.message, /not enough free space/);
    return true;
  });
  assertNothingStaged(store);
  const df = await fs.statfs(layers);
  assert.equal(df.bavail, df.blocks, 'the tmpfs is empty again');
});
