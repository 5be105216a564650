import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { arenasAfterPoolWork, secondLargeBlockIsMapped } from '../native/testing/malloc_probe';
import { MALLOC_ARENAS } from '../runtime/malloc_settings';

const heapSettings = `require(${JSON.stringify(path.join(__dirname, 'heap_settings.js'))})`;

test("corrald's entry point loads the heap settings before anything else", () => {
  const firstRequire = /require\("([^"]+)"\)/.exec(readFileSync(path.join(__dirname, 'main.js'), 'utf8'));
  assert.equal(firstRequire?.[1], './heap_settings');
});

test('the heap settings cap the malloc arenas and keep large blocks mapped on their own', () => {
  assert.ok(arenasAfterPoolWork(heapSettings) <= MALLOC_ARENAS);
  assert.equal(secondLargeBlockIsMapped(heapSettings), true);
});
