// A registry that serves broken content: every failure is a clear error and nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistryProxy, suiteRegistry, type Tamper } from '../testimages';
import { failure, pull, startCorrald, storedFiles } from './helpers';

const suite = suiteRegistry();

const cases: [Tamper, RegExp][] = [
  ['truncate-blob', /size mismatch/],
  ['corrupt-blob', /digest mismatch/],
  ['huge-manifest', /too large/],
  ['schema1', /schema 1/],
];

for (const [tamper, message] of cases) {
  test(`${tamper}: the pull fails clearly and stores nothing`, async (t) => {
    const daemon = await startCorrald(t);
    const proxy = await startRegistryProxy({ upstream: suite.registry, tamper });
    t.after(() => proxy.stop());
    const err = await failure(pull(daemon, `${proxy.host}/corral-test/busybox:latest`));
    assert.match(err.details, message);
    assert.deepEqual(storedFiles(daemon), []);
    assert.deepEqual((await daemon.client.image('ListImages', {})).images, []);
  });
}
