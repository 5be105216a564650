import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { arenasAfterPoolWork, secondLargeBlockIsMapped } from './testing/malloc_probe';

const settings = `const settings = require(${JSON.stringify(path.join(__dirname, 'malloc_settings.js'))})`;

test('limitMallocArenas keeps the thread pool to the arenas that exist; without it each pool thread makes its own', () => {
  const unlimited = arenasAfterPoolWork();
  const limited = arenasAfterPoolWork(`${settings}; if (!settings.limitMallocArenas(2)) process.exit(3)`);
  assert.ok(limited <= 2, `${limited} arenas with the limit`);
  assert.ok(unlimited > limited, `${unlimited} arenas without the limit, ${limited} with`);
});

test('fixMmapThreshold keeps large blocks in mappings of their own; by default glibc raises the threshold once one is freed', () => {
  assert.equal(secondLargeBlockIsMapped(), false);
  assert.equal(secondLargeBlockIsMapped(`${settings}; if (!settings.fixMmapThreshold(1 << 20)) process.exit(3)`), true);
});
