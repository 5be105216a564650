// corrald's code cache under its root: saved after a start, used by the next, and a corrupt one
// changes nothing but speed.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Corrald } from '../harness/corrald';

/** main.ts saves the cache 1 s after ready. */
async function cacheFiles(dir: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.v8cache'));
    if (names.length > 0 || Date.now() > deadline) return names;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('corrald saves its code cache under the root, uses it, and starts fine on a corrupt one', async () => {
  const first = await Corrald.start();
  const dirs = first.dirs;
  const cacheDir = path.join(dirs.root, 'cache');
  try {
    const [name] = await cacheFiles(cacheDir);
    assert.ok(name, 'a code cache is saved after the first start');
    assert.equal((await fs.stat(cacheDir)).mode & 0o777, 0o700);
    assert.equal((await fs.stat(path.join(cacheDir, name))).mode & 0o777, 0o600);
    assert.equal(await first.stop(), 0);

    const file = path.join(cacheDir, name);
    const bytes = await fs.readFile(file);
    for (let i = 200; i < bytes.length; i += 97) bytes[i] ^= 0xa5;
    await fs.writeFile(file, bytes);
    const second = await Corrald.start({ dirs });
    try {
      const version = await second.client.runtime('Version', {});
      assert.equal(version.runtime_name, 'corral');
      assert.deepEqual((await second.client.runtime('ListPodSandbox', {})).items, []);
      // The corrupt file was ignored, so this start saves a good one over it.
      const deadline = Date.now() + 10_000;
      while (Buffer.compare(await fs.readFile(file), bytes) === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      assert.notDeepEqual(await fs.readFile(file), bytes);
    } finally {
      assert.equal(await second.stop(), 0);
    }

    // A start that used the cache leaves it as it is.
    const saved = (await fs.stat(file)).mtimeMs;
    const third = await Corrald.start({ dirs });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal((await fs.stat(file)).mtimeMs, saved, 'the cache was used, not saved again');
    } finally {
      assert.equal(await third.stop(), 0);
    }
  } finally {
    await first.stop();
    await first.removeDirs();
  }
});
