import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { manifestKind, MT } from './media_types';
import { parseImageConfig, parseManifest } from './manifest';
import { choosePlatform } from './platform';

const D = (c: string) => `sha256:${c.repeat(64)}`;

test('manifest kinds by media type or shape; schema 1 is refused clearly', () => {
  assert.equal(manifestKind(MT.ociIndex, {}, 'x'), 'index');
  assert.equal(manifestKind('', { mediaType: MT.dockerManifest }, 'x'), 'manifest');
  assert.equal(manifestKind('application/json', { manifests: [] }, 'x'), 'index');
  assert.throws(() => manifestKind(MT.dockerSchema1Signed, {}, 'x'), /schema 1/);
  assert.throws(() => manifestKind('', { schemaVersion: 1, fsLayers: [] }, 'x'), /schema 1/);
  assert.throws(() => manifestKind('text/html', {}, 'x'), InvalidArgumentError);
});

test('platform choice picks the host architecture, honouring variants', () => {
  const entries = [
    { digest: D('a'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: D('b'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { digest: D('c'), size: 1, platform: { os: 'windows', architecture: 'amd64' } },
  ];
  assert.equal(choosePlatform(entries, { os: 'linux', architecture: 'amd64' }, 'x').digest, D('b'));
  assert.equal(choosePlatform(entries, { os: 'linux', architecture: 'arm64', variant: 'v8' }, 'x').digest, D('a'));
  assert.throws(
    () => choosePlatform(entries, { os: 'linux', architecture: 's390x' }, 'img'),
    (e: Error) => e instanceof NotFoundError && /linux\/s390x/.test(e.message),
  );
});

test('manifests and configs are checked before use', () => {
  const good = { config: { digest: D('c'), size: 10 }, layers: [{ digest: D('1'), size: 5 }] };
  assert.equal(parseManifest(good, 'x').layers.length, 1);
  assert.throws(
    () => parseManifest({ ...good, layers: [{ digest: 'sha256:zz', size: 1 }] }, 'x'),
    InvalidArgumentError,
  );
  assert.throws(() => parseManifest({ ...good, config: { digest: D('c'), size: -1 } }, 'x'), InvalidArgumentError);
  const config = parseImageConfig(
    { rootfs: { diff_ids: [D('1')] }, config: { User: '1000:1000', Cmd: ['sh'], Env: null } },
    1,
    'x',
  );
  assert.equal(config.runtime.user, '1000:1000');
  assert.deepEqual(config.runtime.env, []);
  assert.throws(() => parseImageConfig({ rootfs: { diff_ids: [] } }, 1, 'x'), /0 diff IDs for 1 layers/);
});
