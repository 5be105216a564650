// The test-image kit itself: images reach a real docker-registry (plain and basic-auth), and
// the unpacked busybox rootfs runs its dynamic shell with hard-linked applets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxRootfs, pushTestImages, startTestRegistry } from './index';

test('pushed images are served by the local registry', async () => {
  const registry = await startTestRegistry();
  try {
    const images = await pushTestImages(registry);
    const res = await fetch(`${registry.url}/v2/corral-test/busybox/manifests/latest`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), images.digests.busybox);
    assert.equal(images.busybox, `${registry.host}/corral-test/busybox:latest`);
  } finally {
    await registry.stop();
  }
});

test('the basic-auth registry refuses anonymous reads and accepts the credentials', async () => {
  const registry = await startTestRegistry({ auth: { username: 'corral', password: 's3cret' } });
  try {
    await pushTestImages(registry);
    const anonymous = await fetch(`${registry.url}/v2/corral-test/busybox/manifests/latest`);
    assert.equal(anonymous.status, 401);
    const basic = Buffer.from('corral:s3cret').toString('base64');
    const authed = await fetch(`${registry.url}/v2/corral-test/busybox/manifests/latest`, {
      headers: { Authorization: `Basic ${basic}`, Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(authed.status, 200);
  } finally {
    await registry.stop();
  }
});

test('the busybox rootfs runs its dynamic shell with hard-linked applets', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-bbroot-'));
  try {
    await buildBusyboxRootfs(dir);
    const out = execFileSync('chroot', [dir, '/bin/sh', '-c', 'echo hi; id -un; id -u tester'], { encoding: 'utf8' });
    assert.equal(out, 'hi\nroot\n1000\n');
    assert.equal(statSync(path.join(dir, 'bin/ls')).ino, statSync(path.join(dir, 'bin/busybox')).ino);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
