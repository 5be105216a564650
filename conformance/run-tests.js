#!/usr/bin/env node
// Runs every compiled test (dist/**/*.test.js) with node's built-in runner, one file at a time
// (kernel tests share the machine). Exits non-zero when any test fails.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const distRoot = path.resolve(__dirname, '..', 'dist');

function findTests(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found;
}

const filter = process.argv.slice(2);
const tests = findTests(distRoot)
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort();
if (tests.length === 0) {
  console.error(`run-tests: no compiled tests under ${distRoot} (run npm run build first)`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...tests], { stdio: 'inherit' });
process.exit(result.status ?? 1);
