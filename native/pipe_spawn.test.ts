import assert from 'node:assert/strict';
import { closeSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { reapIfExited, spawnWithPipes } from './pipe_spawn';

/** Reads an fd (blocking: the pipe's writer exits soon) to its EOF. */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(4096);
  for (let n; (n = readSync(fd, buffer)) > 0;) chunks.push(Buffer.from(buffer.subarray(0, n)));
  return Buffer.concat(chunks).toString();
}

/** This process's fds without close-on-exec: inherited from whoever started it, not corral's. */
function inheritedFds(): string[] {
  const O_CLOEXEC = 0o2000000;
  return readdirSync('/proc/self/fdinfo').filter((fd) => {
    if (Number(fd) < 3) return false;
    let info = '';
    try {
      info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    } catch {
      return false; // the directory listing's own fd, closed since
    }
    const flags = /^flags:\s+(\d+)/m.exec(info);
    return flags !== null && (parseInt(flags[1], 8) & O_CLOEXEC) === 0;
  });
}

async function reaped(pid: number) {
  for (;;) {
    const end = reapIfExited(pid);
    if (end) return end;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

test('the child gets its pipes as fds 0-3 and no other fd of corral, an empty environment, signals at default', async () => {
  const script =
    'read line; echo "got $line"; env | wc -l >&2; grep -E "^Sig(Blk|Ign)" /proc/self/status >&2; ' +
    'exec ls -l /proc/self/fd >&3';
  const { pid, fds } = spawnWithPipes('/bin/sh', ['sh', '-c', script], 4);
  try {
    writeSync(fds[0], 'hello\n');
    closeSync(fds[0]);
    assert.equal(readAll(fds[1]), 'got hello\n');
    // ls's own fds: the four pipes, what the test runner left open across exec, its /proc listing.
    const listed = readAll(fds[3])
      .split('\n')
      .map((line) => / (\d+) -> (.*)$/.exec(line))
      .filter((m) => m !== null);
    const others = listed.filter(([, fd, target]) => Number(fd) > 3 && !/^\/proc\/\d+\/fd$/.test(target));
    assert.deepEqual(others.map(([, fd]) => fd).sort(), inheritedFds().sort());
    assert.equal(listed.filter(([, fd, target]) => Number(fd) <= 3 && target.startsWith('pipe:')).length, 4);
    const [vars, blocked, ignored] = readAll(fds[2]).trim().split('\n');
    assert.ok(Number(vars) <= 3, `environment of ${vars} lines: only what sh sets itself`); // PWD, SHLVL, _
    assert.match(ignored, /^SigIgn:\s+0+$/); // Node ignores SIGPIPE: the child must not inherit that
    assert.match(blocked, /^SigBlk:\s+0+$/);
    assert.deepEqual(await reaped(pid), { code: 0, signal: null });
  } finally {
    fds.slice(1).forEach((fd) => closeSync(fd));
  }
});

test('a child killed by a signal is reaped with its signal; a missing program throws', async () => {
  const { pid, fds } = spawnWithPipes('/bin/sh', ['sh', '-c', 'kill -KILL $$'], 4);
  closeSync(fds[0]);
  fds.slice(1).forEach((fd) => closeSync(fd));
  assert.deepEqual(await reaped(pid), { code: null, signal: 'SIGKILL' });
  assert.throws(() => spawnWithPipes('/nonexistent/program', ['program'], 4), /posix_spawn.*ENOENT/);
});
