// ImageService end to end: a real corrald over its socket, pulling from a real local registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListImagesResponse__Output } from '../../proto/generated/runtime/v1/ListImagesResponse';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildTestImages, pushImage, suiteRegistry, type PushedTestImages, type TestRegistry } from '../testimages';
import { failure, pull, startCorrald, storedFiles } from './helpers';

let registry: TestRegistry;
let images: PushedTestImages;

suiteRegistry({}, async (suite) => {
  ({ registry, images } = suite);
  await pushImage(registry, (await buildTestImages()).busybox, 'library/busybox', 'latest');
});

test('pull by tag, list with size, inspect with config, remove every tag and its files', async (t) => {
  const daemon = await startCorrald(t);
  const id = await pull(daemon, images.busybox);
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const byDigest = await pull(daemon, `${registry.host}/corral-test/busybox@${images.digests.busybox}`);
  assert.equal(byDigest, id);
  const list = await daemon.client.image('ListImages', {});
  assert.equal(list.images.length, 1);
  assert.deepEqual(list.images[0].repo_tags, [images.busybox]);
  assert.deepEqual(list.images[0].repo_digests, [`${registry.host}/corral-test/busybox@${images.digests.busybox}`]);
  assert.ok(Number(list.images[0].size) > 500_000);
  const status = await daemon.client.image('ImageStatus', { image: { image: images.busybox }, verbose: true });
  assert.equal(status.image?.id, id);
  const info = JSON.parse(status.info.info) as { imageSpec: { config: { Cmd: string[] } } };
  assert.deepEqual(info.imageSpec.config.Cmd, ['sh']);
  await daemon.client.image('RemoveImage', { image: { image: images.busybox } });
  await daemon.client.image('RemoveImage', { image: { image: id } });
  assert.deepEqual((await daemon.client.image('ListImages', {})).images, []);
  assert.deepEqual(storedFiles(daemon), []);
});

test('an absent image has a nil status; filters match tag, digest and ID', async (t) => {
  const daemon = await startCorrald(t);
  const status = await daemon.client.image('ImageStatus', { image: { image: 'corral-test/absent:1' } });
  assert.equal(status.image, null);
  const id = await pull(daemon, images.busyboxUser);
  await pull(daemon, images.whiteout);
  for (const filter of [images.busyboxUser, id, id.slice(7, 19)]) {
    const list = await daemon.client.image('ListImages', { filter: { image: { image: filter } } });
    assert.deepEqual(
      list.images.map((i) => i.id),
      [id],
      filter,
    );
  }
  const user = await daemon.client.image('ImageStatus', { image: { image: id } });
  assert.equal(user.image?.username, 'tester');
  const streamed: string[] = [];
  for await (const page of daemon.client.imageStream('StreamImages', { filter: null }))
    streamed.push(...(page as ListImagesResponse__Output).images.map((i) => i.id));
  assert.equal(streamed.length, 2);
  assert.ok(streamed.includes(id));
});

test('images survive a restart of corrald', async (t) => {
  const first = await startCorrald(t);
  const id = await pull(first, images.busybox);
  await first.stop();
  const { Corrald } = await import('../harness/corrald');
  const second = await Corrald.start({ dirs: first.dirs });
  try {
    const status = await second.client.image('ImageStatus', { image: { image: images.busybox } });
    assert.equal(status.image?.id, id);
  } finally {
    await second.stop();
  }
});

test('imagefsinfo reports usage of the image store and container filesystems', async (t) => {
  const daemon = await startCorrald(t);
  const before = await daemon.client.image('ImageFsInfo', {});
  await pull(daemon, images.busybox);
  const after = await daemon.client.image('ImageFsInfo', {});
  const fs0 = after.image_filesystems[0];
  assert.ok(fs0.fs_id?.mountpoint.startsWith(daemon.dirs.root));
  assert.ok(Number(fs0.used_bytes?.value) > Number(before.image_filesystems[0].used_bytes?.value) + 500_000);
  assert.ok(Number(fs0.inodes_used?.value) > 10); // applets are hard links: one inode
  assert.equal(after.container_filesystems.length, 1);
});

test('registry.k8s.io is served by a mirror from the config file', async (t) => {
  const daemon = await startCorrald(t, {
    configToml: `[registry.mirrors."registry.k8s.io"]\nendpoints = ["${registry.url}"]\n`,
  });
  const id = await pull(daemon, 'registry.k8s.io/corral-test/pause:3.9');
  const status = await daemon.client.image('ImageStatus', {
    image: { image: 'registry.k8s.io/corral-test/pause:3.9' },
  });
  assert.equal(status.image?.id, id);
});

test('docker.io is served by a mirror from --registry-mirror', async (t) => {
  const daemon = await startCorrald(t, { args: ['--registry-mirror', `docker.io=${registry.url}`] });
  await pull(daemon, 'busybox');
  const list = await daemon.client.image('ListImages', {});
  assert.deepEqual(list.images[0].repo_tags, ['docker.io/library/busybox:latest']);
});

test('an unknown image is NOT_FOUND naming the reference; an unreachable registry FAILED_PRECONDITION', async (t) => {
  const daemon = await startCorrald(t);
  const missing = await failure(pull(daemon, `${registry.host}/corral-test/nope:1`));
  assert.equal(missing.code, 'NOT_FOUND');
  assert.match(missing.details, /corral-test\/nope:1/);
  const down = await failure(pull(daemon, '127.0.0.1:1/corral-test/busybox:latest'));
  // Not UNAVAILABLE: that is what a client sees when corrald itself is down.
  assert.equal(down.code, 'FAILED_PRECONDITION');
  assert.match(down.details, /unreachable/);
  const badPort = await failure(pull(daemon, '127.0.0.1:99999/corral-test/busybox:latest'));
  assert.equal(badPort.code, 'INVALID_ARGUMENT');
  const bad = await failure(pull(daemon, 'Not/A/Valid:Ref:x'));
  assert.equal(bad.code, 'INVALID_ARGUMENT');
  assert.deepEqual(storedFiles(daemon), []);
  assert.equal(existsSync(path.join(daemon.dirs.root, 'image', 'content', 'ingest')), true);
});
