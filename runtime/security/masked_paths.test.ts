import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, resolvePathPolicy } from './masked_paths';

describe('resolvePathPolicy', () => {
  it('defaults when the request gives no lists', () => {
    assert.deepEqual(resolvePathPolicy({ privileged: false }), {
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    });
    assert.ok(DEFAULT_MASKED_PATHS.includes('/proc/kcore'));
    assert.ok(DEFAULT_READONLY_PATHS.includes('/proc/sys'));
  });

  it('given lists replace the defaults; explicit empty lists mean none', () => {
    assert.deepEqual(resolvePathPolicy({ privileged: false, maskedPaths: ['/bin/ls'], readonlyPaths: ['/tmp'] }), {
      maskedPaths: ['/bin/ls'],
      readonlyPaths: ['/tmp'],
    });
    assert.deepEqual(resolvePathPolicy({ privileged: false, maskedPaths: [], readonlyPaths: [] }), {
      maskedPaths: [],
      readonlyPaths: [],
    });
  });

  it('privileged containers get none', () => {
    assert.deepEqual(resolvePathPolicy({ privileged: true, maskedPaths: ['/bin/ls'] }), {
      maskedPaths: [],
      readonlyPaths: [],
    });
  });

  it('refuses relative paths and ..', () => {
    assert.throws(() => resolvePathPolicy({ privileged: false, maskedPaths: ['proc/kcore'] }), /masked_paths\[0\]/);
    assert.throws(
      () => resolvePathPolicy({ privileged: false, readonlyPaths: ['/ok', '/proc/../etc'] }),
      /readonly_paths\[1\]/,
    );
  });
});
