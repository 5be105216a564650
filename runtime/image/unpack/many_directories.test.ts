// A layer of many directories gets their modes and mtimes set at its end (writing their children
// would change them before) while the event loop keeps turning: sampled every turn, the first
// directory finished is seen with its mode while the last one still has the 0700 it was made with.
// Before, all were set in one blocking loop (a layer may hold up to its entry cap of them).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { treeToTar, type TreeEntry } from '../../../conformance/testimages/tree';
import { unpackLayer } from './layer_unpack';
import { tmpfsScratch } from '../../testing/scratch_dir';

const DIRECTORIES = 20_000;

const scratch = (t: TestContext) => tmpfsScratch(t, 'corral-unpack-dirs-');

const modeOf = (dir: string) => (statSync(dir, { throwIfNoEntry: false })?.mode ?? 0) & 0o777;

test(`a layer of ${DIRECTORIES} directories has their modes set in steps`, async (t) => {
  const base = scratch(t);
  const entries: TreeEntry[] = [];
  for (let i = 0; i < DIRECTORIES; i++) entries.push({ type: 'dir', path: `d${i}`, mode: 0o755 });
  const blob = path.join(base, 'blob');
  writeFileSync(blob, await treeToTar(entries));
  const layer = path.join(base, 'layer');
  mkdirSync(layer);
  const finishedFirst = path.join(layer, `d${DIRECTORIES - 1}`); // deepest first: the last entry
  const finishedLast = path.join(layer, 'd0');

  let halfDone = false;
  let running = true;
  const sample = () => {
    halfDone ||= modeOf(finishedFirst) === 0o755 && modeOf(finishedLast) === 0o700;
    if (running) setImmediate(sample);
  };
  setImmediate(sample);
  try {
    await unpackLayer(blob, layer);
  } finally {
    running = false;
  }

  assert.equal(modeOf(finishedLast), 0o755);
  assert.equal(modeOf(finishedFirst), 0o755);
  assert.ok(halfDone, 'the event loop turned while the directories were being finished');
});
