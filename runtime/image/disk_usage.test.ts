// diskUsage on trees a container could make: 50,000 files counted as du counts them with a bounded
// number of requests in flight (the old walk made exactly one at a time), hard links once,
// symlinks never followed, names that are not UTF-8, deep nesting; stats callers share one walk.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LSTAT_BATCH, MAX_OPEN_DIRS, diskUsage, recentDiskUsage } from './disk_usage';
import { mostRequestsInFlight, sampleEachTurn } from '../testing/each_turn';
import { tmpfsScratch } from '../testing/scratch_dir';

const scratch = (t: TestContext) => tmpfsScratch(t, 'corral-disk-usage-');

function files(dir: string, count: number, content = ''): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    if (content) writeFileSync(path.join(dir, `f${i}`), content);
    else closeSync(openSync(path.join(dir, `f${i}`), 'w'));
  }
}

/** What du(1) says: allocated bytes and inodes, hard links once, one file system. */
function du(dir: string): { bytes: number; inodes: number } {
  const figure = (args: string[]) => {
    const out = spawnSync('du', ['-s', '--one-file-system', ...args, dir], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return Number(out.stdout.split('\t')[0]);
  };
  return { bytes: figure(['-B1']), inodes: figure(['--inodes']) };
}

test('50,000 files: counted as du counts them, more than one and at most LSTAT_BATCH lstats in flight', async (t) => {
  const upper = path.join(scratch(t), 'upper');
  files(path.join(upper, 'many'), 50_000);
  files(path.join(upper, 'a', 'b', 'c'), 200, 'x'.repeat(5000));
  mkdirSync(Buffer.from(`${upper}/\xff\xfe`, 'latin1'));
  writeFileSync(Buffer.from(`${upper}/\xff\xfe/\x80`, 'latin1'), 'not utf-8');

  let usage = { bytes: 0, inodes: 0 };
  const most = await mostRequestsInFlight(async () => (usage = await diskUsage(upper)));

  assert.ok(most > 1, `more than one request in flight at a time, saw ${most}`);
  assert.ok(most <= LSTAT_BATCH + 2, `at most ${LSTAT_BATCH} lstats (and the directory read) in flight, saw ${most}`);
  assert.deepEqual(usage, du(upper));
  assert.equal(usage.inodes, 1 + 1 + 50_000 + 3 + 200 + 1 + 1);
});

test('hard links count once, symlinks are not followed, a missing tree is empty', async (t) => {
  const base = scratch(t);
  const outside = path.join(base, 'outside');
  files(outside, 100, 'y'.repeat(10_000));
  const upper = path.join(base, 'upper');
  files(upper, 3, 'z'.repeat(10_000));
  for (let i = 0; i < 5; i++) linkSync(path.join(upper, 'f0'), path.join(upper, `link${i}`));
  linkSync(path.join(outside, 'f1'), path.join(upper, 'from-outside'));
  symlinkSync(outside, path.join(upper, 'link-to-dir'));
  symlinkSync(path.join(outside, 'f2'), path.join(upper, 'link-to-file'));
  symlinkSync('/', path.join(upper, 'link-to-root'));

  const usage = await diskUsage(upper);

  assert.deepEqual(usage, du(upper));
  assert.equal(usage.inodes, 1 + 3 + 1 + 3); // the directory, its files, the outside file once, the symlinks
  assert.ok(usage.bytes < du(outside).bytes, 'nothing behind a symlink counted');
  assert.deepEqual(await diskUsage(path.join(base, 'missing')), { bytes: 0, inodes: 0 });
});

test('directories nested 1,500 deep are walked without recursion', async (t) => {
  const upper = path.join(scratch(t), 'upper');
  mkdirSync(upper);
  mkdirSync(path.join(upper, ...Array<string>(1500).fill('d')), { recursive: true });
  for (let level = 0; level < 1500; level += 100)
    writeFileSync(path.join(upper, ...Array<string>(level).fill('d'), 'f'), 'x'.repeat(5000));
  const usage = await diskUsage(upper);
  assert.deepEqual(usage, du(upper));
  assert.equal(usage.inodes, 1 + 1500 + 15);
});

test('directories nested 5,000 deep, paths far past PATH_MAX, are counted to the bottom with few fds open', async (t) => {
  const upper = path.join(scratch(t), 'upper');
  mkdirSync(upper);
  // Five chains of 1,000, each renamed to the bottom of the one before: no path used to make the
  // tree is past PATH_MAX, though the tree's are.
  const chain = (k: number) => path.join(upper, `c${k}`);
  const bottom = (k: number) => path.join(chain(k), ...Array<string>(999).fill('d'));
  for (let k = 0; k < 5; k++) {
    mkdirSync(bottom(k), { recursive: true });
    writeFileSync(path.join(bottom(k), 'f'), 'x'.repeat(5000));
  }
  for (let k = 3; k >= 0; k--) renameSync(chain(k + 1), path.join(bottom(k), 'd'));
  const fdsBefore = readdirSync('/proc/self/fd').length;
  let mostFds = 0;
  let usage = { bytes: 0, inodes: 0 };
  await sampleEachTurn(
    async () => (usage = await diskUsage(upper)),
    () => (mostFds = Math.max(mostFds, readdirSync('/proc/self/fd').length)),
  );
  assert.equal(usage.inodes, 1 + 5000 + 5, 'every level and the files at the bottom');
  assert.deepEqual(usage, du(upper));
  assert.ok(
    mostFds - fdsBefore <= MAX_OPEN_DIRS + 2,
    `at most ${MAX_OPEN_DIRS} directories open, saw ${mostFds - fdsBefore} fds more`,
  );
});

test('stats callers at the same time share one walk; a fresh walk sees the tree as it is now', async (t) => {
  const upper = path.join(scratch(t), 'upper');
  files(upper, 2000);
  let first = Promise.resolve({ bytes: 0, inodes: 0 });
  let second = first;
  const most = await mostRequestsInFlight(() => {
    first = recentDiskUsage(upper);
    second = recentDiskUsage(upper);
    return Promise.all([first, second]);
  });
  assert.equal(second, first, 'the second caller gets the running walk');
  assert.ok(most <= LSTAT_BATCH + 2, `one walk's requests in flight, saw ${most}`);
  assert.equal((await first).inodes, 2001);

  writeFileSync(path.join(upper, 'new'), 'x');
  assert.equal(recentDiskUsage(upper), first, 'a walk just ended is reused');
  assert.equal((await diskUsage(upper)).inodes, 2002, 'diskUsage always walks');
});
