// Kernel tests (root): what a container process may see and do — masked and read-only paths,
// capabilities, no_new_privs, user and groups, mounts and sysctls.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NativeProcessRuntime } from './process_runtime';
import { capabilityMask } from './linux_names';
import { CAPABILITY_NAMES } from '../security/capability_names';
import { DEFAULT_CAPS, Fixture, processSpec } from './testing/container_fixture';
import { logLines, readLog } from './testing/log_reader';
import type { ContainerSpec } from './contract';

describe('container security and mounts', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    await fixture.cleanup();
  });

  async function output(spec: ContainerSpec): Promise<string[]> {
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    const lines = logLines(await readLog(spec.logPath));
    assert.equal(
      exit.exitCode,
      0,
      `exit ${exit.exitCode}: ${lines.join(' | ')} ${logLines(await readLog(spec.logPath), 'stderr').join(' | ')}`,
    );
    return lines;
  }

  const statusField = (lines: string[], field: string): string =>
    (lines.find((l) => l.startsWith(`${field}:`)) ?? '').split(/\s+/).slice(1).join(' ').trim();

  it('masks files and directories, skips missing ones, and makes paths read-only', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'cat /etc/hostname; echo "[$(ls /root)]"; touch /home/tester/x 2>/dev/null && echo writable || echo readonly; ' +
        'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo readonly',
    ]);
    await fs.writeFile(path.join(spec.rootfs, 'root', 'secret'), 'hidden');
    spec.maskedPaths = ['/etc/hostname', '/root', '/no/such/path'];
    spec.readonlyPaths = ['/home/tester', '/proc/sys', '/also/missing'];
    assert.deepEqual(await output(spec), ['[]', 'readonly', 'readonly']);
  });

  it('gives root the bounding set asked for and sets no_new_privs', async () => {
    const spec = await fixture.containerSpec(['cat', '/proc/self/status']);
    spec.process.noNewPrivileges = true;
    const lines = await output(spec);
    const expected = BigInt(capabilityMask(DEFAULT_CAPS));
    assert.equal(BigInt(`0x${statusField(lines, 'CapBnd')}`), expected);
    assert.equal(BigInt(`0x${statusField(lines, 'CapEff')}`), expected);
    assert.equal(statusField(lines, 'NoNewPrivs'), '1');
  });

  it('runs as the given user with its groups and only ambient capabilities', async () => {
    const spec = await fixture.containerSpec(['cat', '/proc/self/status'], {
      process: processSpec(['cat', '/proc/self/status'], {
        uid: 1000,
        gid: 1000,
        additionalGids: [2000, 3000],
        capabilities: {
          bounding: DEFAULT_CAPS,
          effective: ['CAP_KILL'],
          permitted: ['CAP_KILL'],
          inheritable: ['CAP_KILL'],
          ambient: ['CAP_KILL'],
        },
      }),
    });
    const lines = await output(spec);
    assert.equal(statusField(lines, 'Uid'), '1000 1000 1000 1000');
    assert.equal(statusField(lines, 'Gid'), '1000 1000 1000 1000');
    assert.equal(statusField(lines, 'Groups'), '2000 3000');
    assert.equal(BigInt(`0x${statusField(lines, 'CapEff')}`), 1n << 5n);
    assert.equal(statusField(lines, 'NoNewPrivs'), '0');
  });

  it('applies bind (rw, ro, created when missing), tmpfs mounts and sysctls', async () => {
    const hostDir = fixture.dir('shared-data');
    await fs.mkdir(hostDir, { recursive: true });
    await fs.writeFile(path.join(hostDir, 'in'), 'from-host\n');
    const hostForward = await fs.readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
    const missing = fixture.dir('created-by-runtime');
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'cat /data/in; echo out > /data/out; touch /ro/x 2>/dev/null && echo writable || echo readonly; ' +
        'echo made > /made/file; grep " /scratch " /proc/mounts | cut -d" " -f3; cat /proc/sys/net/ipv4/ip_forward',
    ]);
    const base = { options: [], readonly: false, recursiveReadonly: false, propagation: 'private' as const };
    spec.mounts = [
      { ...base, source: hostDir, destination: '/data', type: 'bind' },
      { ...base, source: hostDir, destination: '/ro', type: 'bind', readonly: true },
      { ...base, source: missing, destination: '/made', type: 'bind' },
      { ...base, source: 'tmpfs', destination: '/scratch', type: 'tmpfs', options: ['size=1m', 'nosuid'] },
    ];
    spec.sysctls = { 'net.ipv4.ip_forward': '1' };
    assert.deepEqual(await output(spec), ['from-host', 'readonly', 'tmpfs', '1']);
    assert.equal(await fs.readFile(path.join(hostDir, 'out'), 'utf8'), 'out\n');
    assert.equal(await fs.readFile(path.join(missing, 'file'), 'utf8'), 'made\n');
    assert.equal(
      await fs.readFile('/proc/sys/net/ipv4/ip_forward', 'utf8'),
      hostForward,
      'the sysctl leaked to the host',
    );
  });

  it('enters a chroot rootfs when asked and honours a read-only rootfs', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'touch /x 2>/dev/null && echo writable || echo readonly; cat /etc/passwd | head -1',
    ]);
    spec.rootfsMode = 'chroot';
    spec.readonlyRootfs = true;
    assert.deepEqual(await output(spec), ['readonly', 'root:x:0:0:root:/root:/bin/sh']);
  });

  it('runs in a new user namespace as mapped root', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'id -u; cat /proc/self/uid_map | tr -s " "']);
    spec.userNamespace = {
      mode: 'new',
      uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
      gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
    };
    const created = await runtime.create(spec);
    const hostView = await fs.readFile(`/proc/${created.init.pid}/status`, 'utf8');
    assert.match(hostView, /^Uid:\s+100000\s/m, 'the init is not the mapped user on the host');
    await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 0);
    assert.deepEqual(logLines(await readLog(spec.logPath)), ['0', ' 0 100000 65536']);
  });

  it('joins a held user namespace over an idmapped rootfs, with pivot_root and with chroot', async () => {
    const holder = spawn('unshare', ['-U', 'sleep', '1000'], { stdio: 'ignore' });
    try {
      const nsPath = `/proc/${holder.pid}/ns/user`;
      // unshare runs after spawn returns: wait until the holder is in its own user namespace.
      while ((await fs.readlink(nsPath).catch(() => '')) === (await fs.readlink('/proc/self/ns/user')))
        await new Promise((r) => setImmediate(r));
      await fs.writeFile(`/proc/${holder.pid}/uid_map`, '0 100000 65536\n');
      await fs.writeFile(`/proc/${holder.pid}/gid_map`, '0 100000 65536\n');
      const maps = [{ containerId: 0, hostId: 100000, size: 65536 }];
      for (const rootfsMode of ['pivot_root', 'chroot'] as const) {
        const spec = await fixture.containerSpec([
          'sh',
          '-c',
          'id -u; stat -c %u /bin/sh; touch /new && stat -c %u:%g /new',
        ]);
        spec.rootfsMode = rootfsMode;
        // In a pod the uts namespace is the infra's (owned by the pod's user namespace); one made
        // here would be the host's, where the joined root may not set a hostname.
        delete spec.hostname;
        spec.userNamespace = { mode: 'join', path: nsPath, uidMappings: maps, gidMappings: maps };
        await runtime.create(spec);
        await runtime.start(spec.bundleDir);
        assert.equal((await runtime.waitExit(spec.bundleDir)).exitCode, 0, rootfsMode);
        assert.deepEqual(logLines(await readLog(spec.logPath)), ['0', '0', '0:0'], rootfsMode);
      }
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('lets host mounts reach an rslave mount after the container started', async () => {
    const shared = fixture.dir('shared-mount');
    await fs.mkdir(path.join(shared, 'sub'), { recursive: true });
    // Propagation needs a shared mount on the host side; this host's / is private, so make one.
    execFileSync('mount', ['--bind', shared, shared]);
    try {
      execFileSync('mount', ['--make-shared', shared]);
      const spec = await fixture.containerSpec(['sleep', '1000']);
      spec.mounts = [
        {
          source: shared,
          destination: '/hostmnt',
          type: 'bind',
          options: [],
          readonly: false,
          recursiveReadonly: false,
          propagation: 'rslave',
        },
      ];
      fixture.track(spec.bundleDir);
      await runtime.create(spec);
      await runtime.start(spec.bundleDir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'late', path.join(shared, 'sub')]);
      const seen = await runtime.execSync(
        spec.bundleDir,
        processSpec(['sh', '-c', 'grep -c " /hostmnt/sub tmpfs" /proc/mounts']),
        0,
      );
      assert.equal(seen.stdout.toString().trim(), '1');
      await fixture.stopContainers();
    } finally {
      execFileSync('umount', ['-R', shared]);
    }
  });

  it('gives a privileged container every capability the host has, a writable /sys and mount rights', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'grep CapEff /proc/self/status; mkdir -p /mnt/x && mount -t tmpfs t /mnt/x && echo mounted; grep -c " /sys sysfs rw" /proc/mounts',
    ]);
    const all = [...CAPABILITY_NAMES]; // more than the host holds: the helper grants what it has
    spec.privileged = true;
    spec.process.capabilities = { bounding: all, effective: all, permitted: all, inheritable: all, ambient: [] };
    const lines = await output(spec);
    const hostEffective = /^CapEff:\s+(\w+)/m.exec(await fs.readFile('/proc/self/status', 'utf8'))![1];
    assert.deepEqual(lines, [`CapEff:\t${hostEffective}`, 'mounted', '1']);
  });

  it('installs the seccomp filter it is given, with and without no_new_privs', async () => {
    for (const noNewPrivileges of [true, false]) {
      const spec = await fixture.containerSpec(['sh', '-c', 'mkdir /tmp/d 2>&1 || true; echo done']);
      spec.process.noNewPrivileges = noNewPrivileges;
      spec.process.seccompFilter = denyMkdirFilter();
      const lines = await output(spec);
      assert.match(lines[0], /Operation not permitted/);
      assert.equal(lines[1], 'done');
    }
  });

  it('applies rlimits and a best-effort oom_score_adj', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj']);
    spec.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1000, hard: 1024 }];
    spec.process.oomScoreAdj = 500;
    assert.deepEqual(await output(spec), ['1000', '1024', '500']);
    const lowered = await fixture.containerSpec(['true']);
    lowered.process.oomScoreAdj = -500; // refused on this host (no CAP_SYS_RESOURCE): not an error
    await output(lowered);
  });
});

/** A classic BPF program: EPERM for mkdir and mkdirat on x86_64, allow everything else. */
function denyMkdirFilter(): Buffer {
  const program: Array<[number, number, number, number]> = [
    [0x20, 0, 0, 4], // ld arch
    [0x15, 0, 4, 0xc000003e], // not x86_64 → allow
    [0x20, 0, 0, 0], // ld nr
    [0x15, 1, 0, 83], // mkdir → errno
    [0x15, 0, 1, 258], // mkdirat → errno, else allow
    [0x06, 0, 0, 0x00050001], // SECCOMP_RET_ERRNO | EPERM
    [0x06, 0, 0, 0x7fff0000], // SECCOMP_RET_ALLOW
  ];
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k, i * 8 + 4);
  });
  return bytes;
}
