// removeTree: small trees (blocking path) and big ones (fs.rm path) both go entirely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeTree } from './remove_tree';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-remove-tree-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a snapshot-shaped tree, one with many entries, one with a large file, and a missing one all go', async (t) => {
  const base = scratch(t);
  const small = path.join(base, 'small');
  mkdirSync(path.join(small, 'work', 'work'), { recursive: true });
  mkdirSync(path.join(small, 'upper', 'etc'), { recursive: true });
  writeFileSync(path.join(small, 'meta.json'), '{}');
  const many = path.join(base, 'many');
  mkdirSync(path.join(many, 'upper', 'tmp'), { recursive: true });
  for (let i = 0; i < 100; i++) writeFileSync(path.join(many, 'upper', 'tmp', `f${i}`), 'x');
  const large = path.join(base, 'large');
  mkdirSync(large);
  writeFileSync(path.join(large, 'blob'), Buffer.alloc(2 << 20, 1));
  for (const dir of [small, many, large, path.join(base, 'missing')]) {
    await removeTree(dir);
    assert.equal(existsSync(dir), false, dir);
  }
});
