import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { codeCacheFile, readCodeCache, sha256, writeCodeCache } from './code_cache_file';

describe('code cache file', () => {
  const bundle = sha256(Buffer.from('bundle text'));
  const payload = Buffer.from('v8 code cache bytes');

  function withRoot(body: (root: string) => void): void {
    const root = mkdtempSync(path.join(os.tmpdir(), 'corral-code-cache-'));
    try {
      body(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('reads back what was written, private to root', () =>
    withRoot((root) => {
      const file = codeCacheFile(root, bundle);
      writeCodeCache(file, bundle, payload);
      assert.deepEqual(readCodeCache(file, bundle), payload);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    }));

  it("never hands V8 another bundle's cache, a changed payload, a short file or a symlink", () =>
    withRoot((root) => {
      const file = codeCacheFile(root, bundle);
      writeCodeCache(file, bundle, payload);
      assert.equal(readCodeCache(file, sha256(Buffer.from('another bundle'))), undefined);
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(file, bytes);
      assert.equal(readCodeCache(file, bundle), undefined);
      writeFileSync(file, bytes.subarray(0, 40));
      assert.equal(readCodeCache(file, bundle), undefined);
      const elsewhere = path.join(root, 'elsewhere');
      writeCodeCache(elsewhere, bundle, payload);
      rmSync(file);
      symlinkSync(elsewhere, file);
      assert.equal(readCodeCache(file, bundle), undefined);
      assert.equal(readCodeCache(path.join(root, 'missing'), bundle), undefined);
    }));

  it('keeps the newest four bundles’ caches', () =>
    withRoot((root) => {
      const hashes = [1, 2, 3, 4, 5, 6].map((n) => sha256(Buffer.from(`bundle ${n}`)));
      for (const hash of hashes) writeCodeCache(codeCacheFile(root, hash), hash, payload);
      const kept = hashes.filter((hash) => readCodeCache(codeCacheFile(root, hash), hash) !== undefined);
      assert.equal(kept.length, 4);
      assert.ok(kept.includes(hashes[5]), 'the one just written is kept');
    }));
});
