// A layer that fills a directory and then replaces it (a whiteout of it, or a file of the same
// name) has it removed while the event loop keeps turning. Observed through a file the directory
// holds many hard links to: its link count, sampled every turn of the event loop, is seen going
// down step by step. A removal in one blocking call (as before) is never seen half done.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { treeToTar, type TreeEntry } from '../../../conformance/testimages/tree';
import { unpackLayer } from './layer_unpack';
import { sampleEachTurn } from '../../testing/each_turn';
import { tmpfsScratch } from '../../testing/scratch_dir';

const LINKS = 20_000;

const scratch = (t: TestContext) => tmpfsScratch(t, 'corral-unpack-replace-');

/** Whether `file`'s link count was ever seen lower than the sample before and still above 1. */
async function seenShrinkingStepwise(file: string, work: () => Promise<void>): Promise<boolean> {
  let previous = 0;
  let stepwise = false;
  await sampleEachTurn(work, () => {
    const links = lstatSync(file, { throwIfNoEntry: false })?.nlink ?? 0;
    if (links < previous && links > 1) stepwise = true;
    previous = links;
  });
  return stepwise;
}

for (const [replacement, entry] of [
  ['a whiteout', { type: 'file', path: '.wh.filled', content: '' }],
  ['a file', { type: 'file', path: 'filled', content: 'now a file' }],
] as Array<[string, TreeEntry]>) {
  test(`a directory of ${LINKS} entries replaced by ${replacement} is removed in steps`, async (t) => {
    const base = scratch(t);
    const entries: TreeEntry[] = [
      { type: 'file', path: 'target', content: 'x' },
      { type: 'dir', path: 'filled' },
    ];
    for (let i = 0; i < LINKS; i++) entries.push({ type: 'hardlink', path: `filled/h${i}`, target: 'target' });
    entries.push(entry);
    const blob = path.join(base, 'blob');
    writeFileSync(blob, await treeToTar(entries));
    const layer = path.join(base, 'layer');
    mkdirSync(layer);

    const stepwise = await seenShrinkingStepwise(path.join(layer, 'target'), async () => {
      await unpackLayer(blob, layer);
    });

    assert.equal(lstatSync(path.join(layer, 'target')).nlink, 1, 'every link went');
    const replaced = lstatSync(path.join(layer, 'filled'));
    assert.ok(entry.path.startsWith('.wh.') ? replaced.isCharacterDevice() : replaced.isFile());
    assert.ok(stepwise, 'the event loop turned while the directory was being removed');
  });
}
