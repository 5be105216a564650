// Layer unpacking against real files: metadata is preserved, whiteouts become overlayfs
// whiteouts, and hand-made hostile layers never write outside the layer directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, lstatSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { treeToTar, TREE_MTIME, type TreeEntry } from '../../../conformance/testimages/tree';
import { lgetxattr } from '../../../native/libc';
import { unpackLayer } from './layer_unpack';

interface Sandbox {
  base: string;
  layer: string;
  outside: string;
  blob: string;
}

async function sandbox(t: { after: (fn: () => Promise<void>) => void }): Promise<Sandbox> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-unpack-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const layer = path.join(base, 'layer');
  const outside = path.join(base, 'outside');
  await fs.mkdir(layer);
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'secret'), 'secret\n');
  return { base, layer, outside, blob: path.join(base, 'blob') };
}

async function unpack(sb: Sandbox, entries: TreeEntry[], gzip = true): Promise<Error | undefined> {
  const tarBytes = await treeToTar(entries);
  await fs.writeFile(sb.blob, gzip ? gzipSync(tarBytes) : tarBytes);
  try {
    await unpackLayer(sb.blob, sb.layer);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

function assertOutsideUntouched(sb: Sandbox): void {
  assert.deepEqual(readdirSync(sb.outside), ['secret']);
  assert.equal(statSync(path.join(sb.outside, 'secret')).nlink, 1);
  assert.equal(statSync(sb.outside).mode & 0o777, 0o755);
}

test('files, modes, owners, mtimes, hard links, symlinks and devices are preserved', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(
    sb,
    [
      { type: 'dir', path: 'bin', mode: 0o711 },
      {
        type: 'file',
        path: 'bin/tool',
        mode: 0o4755,
        uid: 1000,
        gid: 1001,
        content: 'x',
        xattrs: { 'user.note': 'hello' },
      },
      { type: 'hardlink', path: 'bin/alias', target: 'bin/tool' },
      { type: 'symlink', path: 'bin/sym', target: '/bin/tool' },
      { type: 'node', path: 'dev/null', kind: 'character-device', major: 1, minor: 3 },
      { type: 'node', path: 'fifo', kind: 'fifo', major: 0, minor: 0, mode: 0o600 },
    ],
    false,
  );
  assert.equal(err, undefined);
  const tool = lstatSync(path.join(sb.layer, 'bin/tool'));
  assert.equal(tool.mode & 0o7777, 0o4755);
  assert.equal(tool.uid, 1000);
  assert.equal(tool.gid, 1001);
  assert.equal(tool.mtimeMs, TREE_MTIME.getTime());
  assert.equal(lstatSync(path.join(sb.layer, 'bin/alias')).ino, tool.ino);
  assert.equal(await fs.readlink(path.join(sb.layer, 'bin/sym')), '/bin/tool');
  assert.equal(statSync(path.join(sb.layer, 'bin')).mode & 0o777, 0o711);
  assert.equal(statSync(path.join(sb.layer, 'bin')).mtimeMs, TREE_MTIME.getTime());
  const dev = lstatSync(path.join(sb.layer, 'dev/null'));
  assert.ok(dev.isCharacterDevice());
  assert.equal(dev.rdev, statSync('/dev/null').rdev);
  assert.ok(lstatSync(path.join(sb.layer, 'fifo')).isFIFO());
  assert.equal(lgetxattr(path.join(sb.layer, 'bin/tool'), 'user.note')?.toString(), 'hello');
});

test('OCI whiteouts become overlayfs whiteouts and opaque directories', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(sb, [
    { type: 'dir', path: 'data' },
    { type: 'file', path: 'data/.wh.gone', content: '' },
    { type: 'dir', path: 'data/dir' },
    { type: 'file', path: 'data/dir/.wh..wh..opq', content: '' },
    { type: 'file', path: 'data/dir/new', content: 'n' },
  ]);
  assert.equal(err, undefined);
  const wh = lstatSync(path.join(sb.layer, 'data/gone'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.equal(lgetxattr(path.join(sb.layer, 'data/dir'), 'trusted.overlay.opaque')?.toString(), 'y');
  assert.deepEqual(readdirSync(path.join(sb.layer, 'data/dir')), ['new']);
  assert.equal(lstatSync(path.join(sb.layer, 'data/.wh.gone'), { throwIfNoEntry: false }), undefined);
});

test('".." and absolute names stay inside the layer', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(sb, [
    { type: 'file', path: '../../../outside/evil', content: 'x' },
    { type: 'file', path: `${sb.outside}/abs`, content: 'x' },
  ]);
  assert.equal(err, undefined);
  assertOutsideUntouched(sb);
  assert.ok(lstatSync(path.join(sb.layer, 'outside/evil')).isFile());
  assert.ok(lstatSync(path.join(sb.layer, sb.outside, 'abs')).isFile());
});

test('a symlinked parent cannot carry a write outside', async (t) => {
  const sb = await sandbox(t);
  await unpack(sb, [
    { type: 'symlink', path: 'abs', target: sb.outside },
    { type: 'file', path: 'abs/pwned', content: 'x' },
    { type: 'symlink', path: 'rel', target: '../../../../../../..' + sb.outside },
    { type: 'file', path: 'rel/pwned2', content: 'x' },
    { type: 'dir', path: 'rel/newdir' },
  ]);
  assertOutsideUntouched(sb);
});

test('a hard link to a file outside the layer is refused', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(sb, [{ type: 'hardlink', path: 'hl', target: `${sb.outside}/secret` }]);
  assert.ok(err, 'unpack must fail');
  const err2 = await unpack(sb, [
    { type: 'symlink', path: 'out', target: sb.outside },
    { type: 'hardlink', path: 'hl2', target: 'out/secret' },
    { type: 'hardlink', path: 'hl3', target: '../../outside/secret' },
  ]);
  assert.ok(err2, 'unpack must fail');
  assertOutsideUntouched(sb);
});

test('a symlink replaced by a file, or by a directory, is never written through', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(sb, [
    { type: 'symlink', path: 'f', target: `${sb.outside}/secret` },
    { type: 'file', path: 'f', content: 'overwritten?' },
    { type: 'symlink', path: 'd', target: sb.outside },
    { type: 'dir', path: 'd', mode: 0o777 },
    { type: 'dir', path: 'e', mode: 0o777 },
    { type: 'symlink', path: 'e', target: sb.outside },
  ]);
  assert.equal(err, undefined);
  assert.equal(await fs.readFile(path.join(sb.outside, 'secret'), 'utf8'), 'secret\n');
  assert.ok(lstatSync(path.join(sb.layer, 'f')).isFile());
  assert.ok(lstatSync(path.join(sb.layer, 'd')).isDirectory());
  assertOutsideUntouched(sb);
});

test('zstd layers unpack too', async (t) => {
  const sb = await sandbox(t);
  const content = Buffer.alloc(300_000, 'zstd!');
  await fs.writeFile(
    `${sb.blob}.tar`,
    await treeToTar([
      { type: 'dir', path: 'z' },
      { type: 'file', path: 'z/data', content },
    ]),
  );
  execFileSync('zstd', ['-q', '-19', `${sb.blob}.tar`, '-o', sb.blob]);
  const result = await unpackLayer(sb.blob, sb.layer);
  assert.equal(result.entries, 2);
  assert.deepEqual(await fs.readFile(path.join(sb.layer, 'z/data')), content);
});

test('entries after a directory is replaced land where the tar says', async (t) => {
  const sb = await sandbox(t);
  const err = await unpack(sb, [
    { type: 'dir', path: 'a' },
    { type: 'file', path: 'a/one', content: '1' },
    { type: 'file', path: 'a', content: 'now a file' },
    { type: 'dir', path: 'b' },
    { type: 'file', path: 'b/one', content: '1' },
    { type: 'file', path: 'b', content: 'briefly a file' },
    { type: 'dir', path: 'b' },
    { type: 'file', path: 'b/two', content: '2' },
  ]);
  assert.equal(err, undefined);
  assert.equal(await fs.readFile(path.join(sb.layer, 'a'), 'utf8'), 'now a file');
  assert.deepEqual(readdirSync(path.join(sb.layer, 'b')), ['two']);
});

test('a corrupt layer is an error', async (t) => {
  const sb = await sandbox(t);
  const tarBytes = gzipSync(await treeToTar([{ type: 'file', path: 'a', content: 'x'.repeat(10000) }]));
  await fs.writeFile(sb.blob, tarBytes.subarray(0, tarBytes.length - 20));
  await assert.rejects(unpackLayer(sb.blob, sb.layer));
});
