// A pull cut short by corrald being killed leaves nothing half-visible: after a restart there
// is no image, no blob, no layer and no ingest file, even for a layer that had fully unpacked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { startRegistryProxy, suiteRegistry } from '../testimages';
import { Corrald } from '../harness/corrald';
import { storedFiles } from './helpers';

const suite = suiteRegistry();

/** A directory's entries; none while corrald has not made it yet (it recovers after its socket is up). */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), 'condition never met');
}

test('killing corrald mid-pull leaves nothing behind after restart', async (t) => {
  const proxy = await startRegistryProxy({ upstream: suite.registry, tamper: 'stall-large-blob' });
  const first = await Corrald.start();
  t.after(async () => {
    await first.kill9(); // already done unless the test failed before it: a running corrald keeps the test alive
    await proxy.stop();
    await first.removeDirs();
  });
  const root = first.dirs.root;
  const ingest = path.join(root, 'image', 'content', 'ingest');
  const pulling = first.client
    .image('PullImage', { image: { image: `${proxy.host}/corral-test/busybox:latest` } })
    .catch(() => undefined);
  await until(
    () => entries(ingest).length > 0 && entries(path.join(root, 'image', 'layers')).some((n) => !n.startsWith('.')),
  );
  assert.notDeepEqual(storedFiles(first), [], 'the pull had stored a finished layer before the kill');
  await first.kill9();
  await pulling;
  const second = await Corrald.start({ dirs: first.dirs });
  try {
    assert.deepEqual((await second.client.image('ListImages', {})).images, []);
    assert.deepEqual(storedFiles(second), []);
    assert.deepEqual(readdirSync(ingest), []);
  } finally {
    await second.stop();
  }
});
