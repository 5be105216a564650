// removeDirWithMountPoints: a still-mounted mount point stops the removal before anything below
// it is touched; a file a container filled (a pod's /etc/hosts) is unlinked off the event loop.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeDirWithMountPoints } from './safe_remove';
import { fsRequestsInFlight, sampleEachTurn } from './testing/each_turn';

function scratch(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-safe-remove-'));
  t.after(() => {
    spawnSync('umount', [path.join(dir, 'pod', 'shm')]);
    spawnSync('rm', ['-rf', '--one-file-system', dir]);
  });
  return dir;
}

/** Whether a file-system request was ever seen in flight, sampled every turn of the event loop while `work` runs. */
async function seenOffTheEventLoop(work: () => Promise<void>): Promise<boolean> {
  let seen = false;
  await sampleEachTurn(work, () => {
    seen ||= fsRequestsInFlight() > 0;
  });
  return seen;
}

test("a pod directory whose /etc/hosts a container filled goes, the big file's unlink off the event loop", async (t) => {
  const pod = path.join(scratch(t), 'pod');
  mkdirSync(path.join(pod, 'shm'), { recursive: true });
  writeFileSync(path.join(pod, 'hostname'), 'pod\n');
  writeFileSync(path.join(pod, 'hosts'), Buffer.alloc(16 << 20, 'x'));
  assert.ok(lstatSync(path.join(pod, 'hosts')).blocks * 512 > 1 << 20, 'the file has its blocks');

  const offLoop = await seenOffTheEventLoop(() => removeDirWithMountPoints(pod, [path.join(pod, 'shm')]));

  assert.equal(existsSync(pod), false);
  assert.ok(offLoop, 'the removal ran on the thread pool, not in blocking calls');
});

test('a mount point still mounted stops the removal; what is mounted there is untouched', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mounting needs root');
  const pod = path.join(scratch(t), 'pod');
  const shm = path.join(pod, 'shm');
  mkdirSync(shm, { recursive: true });
  writeFileSync(path.join(pod, 'hostname'), 'pod\n');
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'corral-test', shm]).status, 0);
  writeFileSync(path.join(shm, 'keep'), 'keep');

  await assert.rejects(removeDirWithMountPoints(pod, [shm]), { code: 'EBUSY' });

  assert.equal(readFileSync(path.join(shm, 'keep'), 'utf8'), 'keep');
});
