// The trash directory: a tree moved there is out of its place at once and removed after; what a
// crash left there is removed after load(); a missing tree is done.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TrashDir } from './trash_dir';

function tree(dir: string): string {
  mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  for (let i = 0; i < 50; i++) writeFileSync(path.join(dir, 'a', `f${i}`), 'x');
  return dir;
}

test('moveAway: the tree leaves its place at once and is removed after; a missing one is done', async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'corral-trash-'));
  try {
    const trash = new TrashDir(path.join(base, 'trash'));
    await trash.load();
    const dir = tree(path.join(base, 'ctr'));
    assert.equal(trash.moveAway(dir), true);
    assert.ok(!existsSync(dir));
    assert.equal(trash.moveAway(dir), true);
    await trash.settled();
    assert.deepEqual(readdirSync(base), ['trash']);
    assert.deepEqual(readdirSync(trash.dir), []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('load removes what a crash left in the trash', async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'corral-trash-'));
  try {
    tree(path.join(base, 'trash', '0123456789abcdef'));
    const trash = new TrashDir(path.join(base, 'trash'));
    await trash.load();
    await trash.settled();
    assert.deepEqual(readdirSync(trash.dir), []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
