// /sys/fs/cgroup inside a container, as runc shows it, through a real corrald: the container's own
// cgroups (its limits readable where programs look for them), read-only unless privileged, the
// same for exec'd processes. On a v1/hybrid host each hierarchy under a tmpfs; on pure v2 (this
// file also runs in the QEMU guest, see conformance/vm/cgroups_v2_vm.test.ts) cgroup2 itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { containerConfig, podConfig } from '../lifecycle/fixture';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import type { NetworkWorld } from '../network/world';

const MiB = 1024 * 1024;
const hostIsV2 = !readFileSync('/proc/self/cgroup', 'utf8').includes(':memory:');
let world: NetworkWorld;
let podId: string;
const pod = podConfig('cgroupfs', {
  linux: {
    security_context: { privileged: true, namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
  },
});

before(async () => {
  world = await acquireWorld('cgroupfs');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await releaseWorld();
});

async function start(name: string, privileged: boolean): Promise<string> {
  const client = world.daemon.client;
  const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], {
    linux: {
      resources: { memory_limit_in_bytes: String(256 * MiB), cpu_quota: '50000', cpu_period: '100000' },
      // Its own pid namespace: /proc/1 is its init.
      security_context: { privileged, namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
    },
  });
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  return id;
}

async function sh(id: string, script: string): Promise<{ out: string; code: number }> {
  const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd: ['sh', '-c', script], timeout: 10 });
  return { out: `${r.stdout.toString()}${r.stderr.toString()}`, code: r.exit_code };
}

/** The options of the mounts at and below /sys/fs/cgroup: mount point → [vfs options, fs type]. */
async function cgroupMounts(id: string, self = true): Promise<Map<string, [string, string]>> {
  const file = self ? '/proc/self/mountinfo' : '/proc/1/mountinfo';
  const { out } = await sh(id, `cat ${file}`);
  const mounts = new Map<string, [string, string]>();
  for (const line of out.split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (fields[4]?.startsWith('/sys/fs/cgroup')) mounts.set(fields[4], [fields[5], right.split(' ')[0]]);
  }
  return mounts;
}

const limitFiles = hostIsV2
  ? { memory: '/sys/fs/cgroup/memory.max', cpu: '/sys/fs/cgroup/cpu.max', cpuValue: '50000 100000' }
  : {
      memory: '/sys/fs/cgroup/memory/memory.limit_in_bytes',
      cpu: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
      cpuValue: '50000',
    };

test('a container reads its own limits at /sys/fs/cgroup, read-only, in its process and its execs', async () => {
  const id = await start('plain', false);
  assert.equal((await sh(id, `cat ${limitFiles.memory}`)).out.trim(), String(256 * MiB));
  assert.equal((await sh(id, `cat ${limitFiles.cpu}`)).out.trim(), limitFiles.cpuValue);
  // The cgroup namespace roots every hierarchy at the container's cgroup.
  const own = (await sh(id, 'cat /proc/self/cgroup')).out.trim().split('\n');
  for (const line of own) assert.match(line, /:\/$/, `rooted at the container's cgroup: ${line}`);
  for (const mounts of [await cgroupMounts(id), await cgroupMounts(id, false)]) {
    if (hostIsV2) {
      assert.deepEqual([...mounts.keys()], ['/sys/fs/cgroup']);
      assert.match(mounts.get('/sys/fs/cgroup')![0], /^ro,nosuid,nodev,noexec/);
      assert.equal(mounts.get('/sys/fs/cgroup')![1], 'cgroup2');
      continue;
    }
    assert.equal(mounts.get('/sys/fs/cgroup')?.[1], 'tmpfs');
    for (const name of ['memory', 'cpu', 'pids', 'systemd']) {
      const m = mounts.get(`/sys/fs/cgroup/${name}`) ?? mounts.get(`/sys/fs/cgroup/${hostDirOf(name)}`);
      assert.ok(m, `/sys/fs/cgroup/${name} is mounted: ${JSON.stringify([...mounts])}`);
      assert.equal(m[1], 'cgroup');
      assert.match(m[0], /^ro,nosuid,nodev,noexec/, `${name}: ${JSON.stringify([...mounts])}`);
    }
    // The hybrid host's unified tree is not shown (runc leaves it out too).
    assert.equal(mounts.has('/sys/fs/cgroup/unified'), false);
  }
  const write = await sh(id, `echo 1 > ${limitFiles.memory}`);
  assert.notEqual(write.code, 0, 'a non-privileged container cannot change its limits');
  assert.match(write.out, /Read-only file system/);
  // Only its own processes are in it.
  const procs = (await sh(id, `cat ${hostIsV2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids'}/cgroup.procs`)).out;
  assert.ok(procs.trim().split('\n').length <= 3, procs);
});

test("the directory names are the host's, with a link per co-mounted controller", { skip: hostIsV2 }, async () => {
  const id = await start('names', false);
  const inside = (await sh(id, 'ls /sys/fs/cgroup')).out.trim().split(/\s+/).sort();
  const hostDirs = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => / - cgroup /.test(l))
    .map((l) => l.split(' ')[4].replace('/sys/fs/cgroup/', ''));
  const links = hostDirs.filter((d) => d.includes(',')).flatMap((d) => d.split(','));
  assert.deepEqual(inside, [...new Set([...hostDirs, ...links])].sort());
});

test('a privileged container gets its cgroups read-write', async () => {
  const id = await start('privileged', true);
  const mounts = await cgroupMounts(id);
  const memory = hostIsV2 ? mounts.get('/sys/fs/cgroup') : mounts.get(`/sys/fs/cgroup/${hostDirOf('memory')}`);
  assert.match(memory![0], /^rw,/);
  assert.equal((await sh(id, `cat ${limitFiles.memory}`)).out.trim(), String(256 * MiB));
});

/** The host's directory holding a controller ("cpu" may live in "cpu,cpuacct"). */
function hostDirOf(controller: string): string {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const dir = line.split(' ')[4] ?? '';
    const name = dir.replace('/sys/fs/cgroup/', '');
    if (/ - cgroup /.test(line) && name.split(',').includes(controller)) return name;
  }
  return controller;
}
