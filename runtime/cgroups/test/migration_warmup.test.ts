// The warm-up writes "0" (corrald itself) to its own cgroup.procs, and only while corrald is still
// where the layout says: fed a layout whose mount point is a plain temp directory, the write is
// observable and moves nothing.
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { detectHost, parseProcCgroup, type HostCgroups } from '../host';
import { MigrationWarmup } from '../migration_warmup';

function ownPids(): string {
  return parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')).get('pids') ?? '/';
}

function fakeHost(mountPoint: string, ownPath: string): HostCgroups {
  return {
    mode: 'hybrid',
    v1: new Map([['pids', { mountPoint, controllers: ['pids'], ownPath }]]),
    unifiedOwnPath: '/',
    v1Mounts: [],
  };
}

async function procsWritten(mountPoint: string, ownPath: string): Promise<string | undefined> {
  return fs.readFile(path.join(mountPoint, ownPath, 'cgroup.procs'), 'utf8').catch(() => undefined);
}

test('warm-up writes "0" to the cgroup corrald is in', async () => {
  const mount = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-warmup-'));
  try {
    const own = ownPids();
    await fs.mkdir(path.join(mount, own), { recursive: true });
    await new MigrationWarmup(fakeHost(mount, own)).warm();
    assert.equal(await procsWritten(mount, own), '0');
  } finally {
    await fs.rm(mount, { recursive: true, force: true });
  }
});

test('warm-up writes nothing once corrald is elsewhere than the layout says', async () => {
  const mount = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-warmup-'));
  try {
    const stale = path.posix.join(ownPids(), 'moved-away');
    await fs.mkdir(path.join(mount, stale), { recursive: true });
    await new MigrationWarmup(fakeHost(mount, stale)).warm();
    assert.equal(await procsWritten(mount, stale), undefined);
  } finally {
    await fs.rm(mount, { recursive: true, force: true });
  }
});

test('warm-up on the real host leaves corrald in its cgroups', async () => {
  const before = readFileSync('/proc/self/cgroup', 'utf8');
  await new MigrationWarmup(detectHost()).warm();
  assert.equal(readFileSync('/proc/self/cgroup', 'utf8'), before);
});
