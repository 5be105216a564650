// corralctl's image commands against a real corrald: pull, images, inspecti, imagefsinfo, rmi,
// and image import of an OCI layout as a directory and as a tar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, suiteRegistry, writeOciLayout } from '../testimages';
import type { Corrald } from '../harness/corrald';
import { startCorrald } from './helpers';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
const suite = suiteRegistry();

async function ctl(daemon: Corrald, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      CORRALCTL,
      '--endpoint',
      `unix://${daemon.dirs.socket}`,
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('pull, images, inspecti, imagefsinfo and rmi', async (t) => {
  const daemon = await startCorrald(t);
  const { registry, images } = suite;
  const pulled = await ctl(daemon, 'pull', images.busybox);
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.match(pulled.stdout, /sha256:[0-9a-f]{64}/);
  const listed = await ctl(daemon, 'images');
  assert.match(
    listed.stdout,
    new RegExp(`${registry.host}/corral-test/busybox\\s+latest\\s+[0-9a-f]{13}\\s+1\\.\\d+MB`),
  );
  const inspected = JSON.parse((await ctl(daemon, 'inspecti', images.busybox)).stdout) as {
    info: { imageSpec: { config: { Cmd: string[] } } };
  };
  assert.deepEqual(inspected.info.imageSpec.config.Cmd, ['sh']);
  const fsinfo = await ctl(daemon, 'imagefsinfo');
  assert.match(fsinfo.stdout, /^image\s+\S+\/image\s+\d/m);
  const removed = await ctl(daemon, 'rmi', images.busybox);
  assert.equal(removed.code, 0);
  assert.match(removed.stdout, /Deleted: /);
  assert.equal((await ctl(daemon, 'images', '-q')).stdout, '');
  assert.notEqual((await ctl(daemon, 'rmi', images.busybox)).code, 0);
});

test('image import of an OCI layout directory and tar', async (t) => {
  const daemon = await startCorrald(t);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-layout-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const built = await buildTestImages();
  await writeOciLayout(path.join(dir, 'layout'), built.busybox, 'v1');
  const fromDir = await ctl(
    daemon,
    'image',
    'import',
    '--name',
    'example.com/offline/busybox',
    path.join(dir, 'layout'),
  );
  assert.equal(fromDir.code, 0, fromDir.stderr);
  execFileSync('tar', ['-C', path.join(dir, 'layout'), '-cf', path.join(dir, 'layout.tar'), '.']);
  await writeOciLayout(path.join(dir, 'layout2'), built.busyboxUser, 'docker.io/library/tester:2');
  execFileSync('tar', ['-C', path.join(dir, 'layout2'), '-cf', path.join(dir, 'layout2.tar'), '.']);
  const fromTar = await ctl(daemon, 'image', 'import', path.join(dir, 'layout2.tar'));
  assert.equal(fromTar.code, 0, fromTar.stderr);
  const list = JSON.parse((await ctl(daemon, 'images', '-o', 'json')).stdout) as { images: { repo_tags: string[] }[] };
  const tags = list.images.flatMap((i) => i.repo_tags).sort();
  assert.deepEqual(tags, ['docker.io/library/tester:2', 'example.com/offline/busybox:v1']);
});
