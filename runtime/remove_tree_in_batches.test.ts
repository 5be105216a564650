// removeTree on trees a container or an image could make: tens of thousands of files removed with
// a bounded number of requests in flight (fs.rm made one per entry at once), symlinks removed and
// never followed, any depth, names that are not UTF-8, mount points refused and left intact, a
// tree removed twice at once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from './errors';
import { removeTree } from './remove_tree';
import { REMOVE_BATCH } from './remove_tree_in_batches';
import { mostRequestsInFlight } from './testing/each_turn';
import { tmpfsScratch } from './testing/scratch_dir';

/**
 * A scratch directory, removed afterwards by rm(1) (any depth; never crossing into a mount). On
 * tmpfs where there is one: making 50,000 files on this machine's ext4 takes tens of seconds.
 */
/** Mounts the tests made below it are undone wherever the removal moved them. */
const scratch = (t: TestContext) =>
  tmpfsScratch(t, 'corral-remove-batches-', (dir) => {
    for (const target of mountsBelow(dir).reverse()) spawnSync('umount', [target]);
  });

function emptyFiles(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) closeSync(openSync(path.join(dir, `f${i}`), 'w'));
}

/** Directories `depth` deep (far past PATH_MAX as a path), made through descriptors. */
function nestedDirs(dir: string, depth: number): void {
  let fd = openSync(dir, 'r');
  for (let level = 0; level < depth; level++) {
    mkdirSync(`/proc/self/fd/${fd}/d`);
    if (level % 1000 === 0) writeFileSync(`/proc/self/fd/${fd}/f`, 'x');
    const next = openSync(`/proc/self/fd/${fd}/d`, 'r');
    closeSync(fd);
    fd = next;
  }
  closeSync(fd);
}

/** Mount points below `dir`, parents first. */
function mountsBelow(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => a.length - b.length);
}

function bytesPath(dir: string, name: number[]): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]);
}

test('50,000 files go with at most REMOVE_BATCH requests in flight; symlinks and hard links leave their targets', async (t) => {
  const base = scratch(t);
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(outside, 'dir'), { recursive: true });
  writeFileSync(path.join(outside, 'file'), 'keep');
  writeFileSync(path.join(outside, 'dir', 'inner'), 'keep');
  const tree = path.join(base, 'snapshot');
  emptyFiles(path.join(tree, 'upper', 'many'), 50_000);
  emptyFiles(path.join(tree, 'upper', 'a', 'b', 'c'), 100);
  mkdirSync(path.join(tree, 'work', 'work'), { recursive: true });
  symlinkSync(path.join(outside, 'file'), path.join(tree, 'upper', 'link-to-file'));
  symlinkSync(path.join(outside, 'dir'), path.join(tree, 'upper', 'link-to-dir'));
  symlinkSync('/', path.join(tree, 'upper', 'a', 'link-to-root'));
  linkSync(path.join(outside, 'file'), path.join(tree, 'upper', 'hard-link'));
  mkdirSync(bytesPath(path.join(tree, 'upper'), [0xff, 0xfe]));
  writeFileSync(bytesPath(path.join(tree, 'upper'), [0xff, 0xfe, 0x2f, 0x80]), 'not utf-8');

  const most = await mostRequestsInFlight(() => removeTree(tree));

  assert.equal(existsSync(tree), false);
  assert.ok(most > 0, 'the sampler saw the removal at work');
  assert.ok(most <= REMOVE_BATCH + 2, `at most ${REMOVE_BATCH} requests in flight, saw ${most}`);
  assert.equal(readFileSync(path.join(outside, 'file'), 'utf8'), 'keep');
  assert.equal(lstatSync(path.join(outside, 'file')).nlink, 1);
  assert.equal(readFileSync(path.join(outside, 'dir', 'inner'), 'utf8'), 'keep');
});

test('directories nested 10,000 deep go', async (t) => {
  const tree = path.join(scratch(t), 'deep');
  mkdirSync(tree);
  nestedDirs(tree, 10_000);
  await removeTree(tree);
  assert.equal(existsSync(tree), false);
});

test('a mount point below, small tree or big, is refused and what is mounted there is untouched', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mounting needs root');
  const base = scratch(t);
  const outside = path.join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'keep'), 'keep');
  const mount = (args: string[], target: string) => {
    mkdirSync(target, { recursive: true });
    assert.equal(spawnSync('mount', [...args, target]).status, 0, `mount ${target}`);
  };
  for (const [name, files] of [
    ['small', 3],
    ['big', 500],
  ] as const) {
    const tree = path.join(base, name);
    emptyFiles(path.join(tree, 'upper'), files);
    mount(['-t', 'tmpfs', 'corral-test'], path.join(tree, 'upper', 'tmpfs'));
    writeFileSync(path.join(tree, 'upper', 'tmpfs', 'keep'), 'keep');
    mount(['--bind', outside], path.join(tree, 'upper', 'deeper', 'bind'));

    await assert.rejects(removeTree(tree), FailedPreconditionError, name);

    assert.equal(readFileSync(path.join(tree, 'upper', 'tmpfs', 'keep'), 'utf8'), 'keep', name);
    assert.equal(readFileSync(path.join(outside, 'keep'), 'utf8'), 'keep', name);
  }
});

test('a tree removed twice at once, shrinking under each removal, is gone and both succeed', async (t) => {
  const tree = path.join(scratch(t), 'twice');
  for (let i = 0; i < 20; i++) emptyFiles(path.join(tree, `d${i}`, 'sub'), 500);
  await Promise.all([removeTree(tree), removeTree(tree)]);
  assert.equal(existsSync(tree), false);
});

test('a symlink or a file given as the root is unlinked, its target left', async (t) => {
  const base = scratch(t);
  emptyFiles(path.join(base, 'target'), 100);
  symlinkSync(path.join(base, 'target'), path.join(base, 'link'));
  writeFileSync(path.join(base, 'file'), 'x');
  await removeTree(path.join(base, 'link'));
  await removeTree(path.join(base, 'file'));
  assert.equal(existsSync(path.join(base, 'link')), false);
  assert.equal(existsSync(path.join(base, 'file')), false);
  assert.equal(existsSync(path.join(base, 'target', 'f99')), true);
});
