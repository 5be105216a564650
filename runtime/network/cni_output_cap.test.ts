// A CNI plugin that writes without end on stdout is stopped at 1 MiB with a clear error, well
// before its timeout, and corrald keeps at most that much of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CniPluginError } from './cni_errors';
import { MAX_PLUGIN_OUTPUT_BYTES, invokePlugin } from './cni_exec';

test('a plugin flooding stdout is killed at the output cap', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-cni-flood-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const plugin = path.join(dir, 'flood');
  await fs.writeFile(plugin, '#!/bin/sh\nexec yes corral-cni-flood\n', { mode: 0o755 });
  const started = Date.now();
  const rssBefore = process.memoryUsage().rss;
  await assert.rejects(
    invokePlugin({
      binary: plugin,
      type: 'flood',
      command: 'ADD',
      containerId: 'c',
      netns: '/dev/null',
      ifName: 'eth0',
      args: '',
      binDirs: [dir],
      request: { cniVersion: '1.0.0', name: 'n', type: 'flood' },
      timeoutMs: 30_000,
    }),
    (err: Error) => {
      assert.ok(err instanceof CniPluginError, String(err));
      assert.match(err.message, new RegExp(`more than ${MAX_PLUGIN_OUTPUT_BYTES} bytes`));
      return true;
    },
  );
  const ms = Date.now() - started;
  const grew = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  console.log(`CNI stdout flood: stopped after ${ms} ms, RSS +${grew.toFixed(1)} MiB`);
  assert.ok(ms < 10_000, `took ${ms} ms`);
});
