// The image service against a real local docker-registry: pull, unpack, snapshot, overlay
// mount, remove and garbage collection, and pulls that must leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRegistryProxy, suiteRegistry, WHITEOUT_FIXTURE } from '../../conformance/testimages';
import { ImageService } from './image_service';
import { NotFoundError } from '../errors';

const suite = suiteRegistry();

async function service(
  t: { after: (fn: () => Promise<void>) => void },
  mirrors: Record<string, { endpoints: string[] }> = {},
) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-images-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const svc = new ImageService({ root, registry: { mirrors, insecure: [] } });
  await svc.load();
  return { svc, root };
}

function blobCount(svc: ImageService): number {
  return readdirSync(path.join(svc.imageDir, 'content', 'blobs', 'sha256')).length;
}

test('pull by tag records the image with its config, tags and digests', async (t) => {
  const { svc } = await service(t);
  const image = await svc.pull(suite.images.busybox);
  assert.match(image.id, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(image.repoTags, [suite.images.busybox]);
  assert.deepEqual(image.repoDigests, [`${suite.registry.host}/corral-test/busybox@${suite.images.digests.busybox}`]);
  assert.deepEqual(image.config.cmd, ['sh']);
  assert.ok(image.size > 500_000);
  assert.equal(svc.lookup.resolve(image.id.slice(7, 19)).id, image.id);
  assert.equal(
    svc.lookup.resolve(`${suite.registry.host}/corral-test/busybox@${suite.images.digests.busybox}`).id,
    image.id,
  );
  for (const layer of image.layers) assert.ok(existsSync(svc.layers.fsPath(layer.chainId)));
});

test('an index resolves to the host platform; Docker schema 2 pulls too', async (t) => {
  const { svc } = await service(t);
  const multi = await svc.pull(suite.images.multiArch);
  const plain = await svc.pull(suite.images.busybox);
  assert.equal(multi.id, plain.id);
  assert.equal(multi.indexDigest, suite.images.digests.multiArch);
  const docker = await svc.pull(suite.images.busyboxDocker);
  assert.deepEqual(
    docker.layers.map((l) => l.chainId),
    plain.layers.map((l) => l.chainId),
  );
});

test('a snapshot mounts the image as overlay and keeps layers after the image is removed', async (t) => {
  const { svc, root } = await service(t);
  const image = await svc.pull(suite.images.whiteout);
  const target = path.join(root, 'mnt');
  await fs.mkdir(target);
  const spec = await svc.snapshotter.prepare('ctr1', image.id);
  assert.equal(spec.lowerDirs.length, 4);
  await svc.snapshotter.mount('ctr1', target);
  try {
    assert.equal(await fs.readFile(path.join(target, WHITEOUT_FIXTURE.kept), 'utf8'), 'keep\n');
    assert.equal(existsSync(path.join(target, WHITEOUT_FIXTURE.deleted)), false);
    assert.deepEqual(readdirSync(path.join(target, WHITEOUT_FIXTURE.opaqueDir)), ['new']);
    const out = execFileSync('chroot', [target, '/bin/sh', '-c', 'echo written > /tmp/f; cat /etc/hostname'], {
      encoding: 'utf8',
    });
    assert.equal(out, 'corral-test\n');
  } finally {
    await svc.snapshotter.unmount(target);
  }
  assert.ok((await svc.snapshotter.usage('ctr1')).inodes >= 2);
  await svc.remove(image.id);
  assert.equal(svc.status(image.id), undefined);
  for (const l of image.layers) assert.ok(existsSync(svc.layers.fsPath(l.chainId)), 'layer kept by snapshot');
  await svc.snapshotter.remove('ctr1');
  await svc.snapshotter.remove('ctr1');
  assert.deepEqual(readdirSync(path.join(svc.imageDir, 'layers')), []);
  assert.equal(blobCount(svc), 0);
});

test('a snapshot removed while its image is: whichever goes first, no layer or blob is left', async (t) => {
  const { svc } = await service(t);
  for (const snapshotFirst of [true, false]) {
    const image = await svc.pull(suite.images.busybox);
    await svc.snapshotter.prepare('ctr1', image.id);
    const removals = [() => svc.snapshotter.remove('ctr1'), () => svc.remove(image.id)];
    await Promise.all((snapshotFirst ? removals : removals.reverse()).map((remove) => remove()));
    assert.deepEqual(readdirSync(path.join(svc.imageDir, 'layers')), [], `snapshot first: ${snapshotFirst}`);
    assert.equal(blobCount(svc), 0);
  }
});

test('remove deletes every tag and unreferenced blobs, and is idempotent', async (t) => {
  const { svc } = await service(t);
  await svc.pull(suite.images.busybox);
  const again = await svc.pull(suite.images.busyboxUser);
  await svc.remove(suite.images.busybox);
  await svc.remove(suite.images.busybox);
  assert.equal(svc.list().length, 1);
  assert.equal(svc.list()[0].id, again.id);
  await svc.remove(again.id);
  assert.equal(blobCount(svc), 0);
  assert.deepEqual(readdirSync(path.join(svc.imageDir, 'layers')), []);
});

test('pulls of one image at once download each blob once', async (t) => {
  const { svc } = await service(t);
  const proxy = await startRegistryProxy({ upstream: suite.registry });
  t.after(() => proxy.stop());
  const byTag = `${proxy.host}/corral-test/busybox:latest`;
  const byDigest = `${proxy.host}/corral-test/busybox@${suite.images.digests.busybox}`;
  const [a, b, c] = await Promise.all([svc.pull(byTag), svc.pull(byTag), svc.pull(byDigest)]);
  assert.equal(a.id, b.id);
  assert.equal(a.id, c.id);
  assert.equal(svc.list().length, 1);
  const blobGets = proxy.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/'));
  assert.equal(blobGets.length, 3, blobGets.join('\n')); // config and two layers, once each
  assert.equal(new Set(blobGets).size, 3);
});

test('an unknown image is NOT_FOUND naming the reference, and stores nothing', async (t) => {
  const { svc } = await service(t);
  const ref = `${suite.registry.host}/corral-test/nope:latest`;
  await assert.rejects(svc.pull(ref), (err: Error) => err instanceof NotFoundError && err.message.includes(ref));
  assert.equal(blobCount(svc), 0);
});

test('the configured pinned reference (the sandbox image) is pinned when pulled', async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-images-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const svc = new ImageService({ root, registry: { mirrors: {}, insecure: [] }, pinned: [suite.images.pause] });
  await svc.load();
  assert.equal((await svc.pull(suite.images.pause)).pinned, true);
  assert.equal((await svc.pull(suite.images.busybox)).pinned, false);
});

test('a stalled blob download fails after the stall timeout and stores nothing', async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-images-'));
  const proxy = await startRegistryProxy({ upstream: suite.registry, tamper: 'stall-large-blob' });
  t.after(async () => {
    await proxy.stop();
    await fs.rm(root, { recursive: true, force: true });
  });
  const svc = new ImageService({ root, registry: { mirrors: {}, insecure: [] }, stallTimeoutMs: 300 });
  await svc.load();
  await assert.rejects(svc.pull(`${proxy.host}/corral-test/busybox:latest`), /stalled/);
  assert.equal(blobCount(svc), 0);
  assert.deepEqual(readdirSync(path.join(svc.imageDir, 'layers')), []);
});

test('a mirror serves another registry name', async (t) => {
  const { svc } = await service(t, { 'registry.k8s.io': { endpoints: [suite.registry.url] } });
  const image = await svc.pull('registry.k8s.io/corral-test/busybox:latest');
  assert.deepEqual(image.repoTags, ['registry.k8s.io/corral-test/busybox:latest']);
});
