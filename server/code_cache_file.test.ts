import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLE_ID_PREFIX, bundleKey, codeCacheFile, readCodeCache, writeCodeCache } from './code_cache_file';

/** A bundle's text as tools/bundle_corrald.js writes it: its SHA-256 on the first line. */
function bundleText(body: string): Buffer {
  return Buffer.from(`${BUNDLE_ID_PREFIX}${createHash('sha256').update(body).digest('hex')}\n${body}`);
}

describe('code cache file', () => {
  const bundle = bundleKey(bundleText('(function () {})'))!;
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

  it('names a bundle by its build line and its text, and none without that line', () => {
    const text = bundleText('(function () { return 1; })');
    const key = bundleKey(text)!;
    assert.match(key, /^[0-9a-f]{64}\.[0-9a-f]{8}$/);
    assert.equal(key.slice(0, 64), text.subarray(BUNDLE_ID_PREFIX.length, BUNDLE_ID_PREFIX.length + 64).toString());
    const edited = Buffer.from(text);
    edited[edited.length - 3] ^= 1; // changed after the build, first line kept
    assert.notEqual(bundleKey(edited), key);
    assert.equal(bundleKey(edited)!.slice(0, 64), key.slice(0, 64));
    assert.equal(bundleKey(Buffer.from('(function () {})')), undefined);
    assert.equal(bundleKey(Buffer.from(`${BUNDLE_ID_PREFIX}not-a-hash\n(function () {})`)), undefined);
  });

  it("never hands V8 another bundle's cache, a changed payload, a short file or a symlink", () =>
    withRoot((root) => {
      const file = codeCacheFile(root, bundle);
      writeCodeCache(file, bundle, payload);
      assert.equal(readCodeCache(file, bundleKey(bundleText('another bundle'))!), undefined);
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
      const keys = [1, 2, 3, 4, 5, 6].map((n) => bundleKey(bundleText(`bundle ${n}`))!);
      for (const key of keys) writeCodeCache(codeCacheFile(root, key), key, payload);
      const kept = keys.filter((key) => readCodeCache(codeCacheFile(root, key), key) !== undefined);
      assert.equal(kept.length, 4);
      assert.ok(kept.includes(keys[5]), 'the one just written is kept');
    }));
});
