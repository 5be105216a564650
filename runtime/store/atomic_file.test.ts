// replaceFileThenFlush: the new content is in place when the call returns (before its flush),
// the flush resolves, and no temp file stays beside it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { replaceFileThenFlush } from './atomic_file';

test('replaceFileThenFlush: readable at once, replaced again, flushed, nothing left beside it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'corral-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'record.json');
  const first = replaceFileThenFlush(file, '{"n":1}');
  assert.equal(readFileSync(file, 'utf8'), '{"n":1}', 'in place before the flush is awaited');
  await first;
  await replaceFileThenFlush(file, '{"n":2}');
  assert.equal(readFileSync(file, 'utf8'), '{"n":2}');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['record.json']);
});

test('replaceFileThenFlush: a directory that does not exist throws at once and leaves nothing', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'corral-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => replaceFileThenFlush(path.join(dir, 'missing', 'r.json'), '{}'), /ENOENT/);
  assert.deepEqual(readdirSync(dir), []);
});
