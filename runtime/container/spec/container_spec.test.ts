import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors';
import { containerMounts } from './container_mounts';
import { withinOwnBoundingSet } from './own_capabilities';
import { containerNamespaces, infraNamespaces } from './namespaces';
import { processArgs, processEnv } from './process_args';
import { MAX_ROOT_FILE_BYTES, readFileInRoot } from './root_file';

test('args follow the Kubernetes rules', () => {
  assert.deepEqual(processArgs(['/ep'], ['c1'], [], []), ['/ep', 'c1']);
  assert.deepEqual(processArgs(['/ep'], ['c1'], [], ['a1']), ['/ep', 'a1']);
  assert.deepEqual(processArgs(['/ep'], ['c1'], ['/cmd'], []), ['/cmd'], 'command alone drops the image cmd');
  assert.deepEqual(processArgs(['/ep'], ['c1'], ['/cmd'], ['a1']), ['/cmd', 'a1']);
  assert.throws(() => processArgs([], [], [], []), InvalidArgumentError);
});

test('env: a tty adds TERM=xterm (as containerd), which the image or CRI may replace', () => {
  assert.deepEqual(processEnv('pod1', ['PATH=/bin'], [], true), ['PATH=/bin', 'HOSTNAME=pod1', 'TERM=xterm']);
  assert.deepEqual(processEnv('pod1', ['TERM=vt100'], [], true).at(-1), 'TERM=vt100');
  assert.ok(!processEnv('pod1', [], [], false).some((e) => e.startsWith('TERM=')));
});

test('env: default PATH and HOSTNAME, then image, then CRI values replacing in place', () => {
  const env = processEnv(
    'pod1',
    ['PATH=/bin', 'A=image'],
    [
      { key: 'A', value: 'cri' },
      { key: 'B', value: 'x=y' },
    ],
  );
  assert.deepEqual(env, ['PATH=/bin', 'HOSTNAME=pod1', 'A=cri', 'B=x=y']);
});

test('mounts: pod files first, CRI mounts by depth, missing host dirs made, relative paths refused', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-mounts-'));
  try {
    const pod = { hosts: '/p/hosts', hostname: '/p/hostname', resolvConf: '/p/resolv', shm: '/p/shm' };
    const missing = path.join(dir, 'made', 'here');
    const base = { readonly: false, recursiveReadOnly: false, selinuxRelabel: false, propagation: 'private' as const };
    const mounts = await containerMounts(
      [
        { ...base, containerPath: '/data/deep/x', hostPath: missing, readonly: true },
        { ...base, containerPath: '/data', hostPath: dir },
        { ...base, containerPath: '/etc/hosts', hostPath: dir },
      ],
      pod,
      false,
    );
    assert.ok((await fs.stat(missing)).isDirectory());
    assert.deepEqual(
      mounts.map((m) => m.destination),
      ['/data', '/etc/hostname', '/etc/resolv.conf', '/dev/shm', '/etc/hosts', '/data/deep/x'],
    );
    assert.equal(mounts.at(-1)!.readonly, true);
    await assert.rejects(
      containerMounts([{ ...base, containerPath: 'rel', hostPath: dir }], pod, false),
      InvalidArgumentError,
    );
    await assert.rejects(
      containerMounts([{ ...base, containerPath: '/x', hostPath: 'rel' }], pod, false),
      InvalidArgumentError,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test("namespaces: the pod's net/ipc/uts joined, pid per mode, host for NODE", () => {
  const pinned = { net: '/pin/net', ipc: '/pin/ipc', uts: '/pin/uts', pid: '/pin/pid' };
  const pod = { network: 'POD' as const, pid: 'POD' as const, ipc: 'POD' as const, targetId: '' };
  const own = containerNamespaces(pod, { ...pod, pid: 'CONTAINER' }, pinned);
  assert.deepEqual(own, {
    net: { mode: 'join', path: '/pin/net' },
    ipc: { mode: 'join', path: '/pin/ipc' },
    uts: { mode: 'join', path: '/pin/uts' },
    pid: { mode: 'new' },
  });
  assert.deepEqual(containerNamespaces(pod, pod, pinned).pid, { mode: 'join', path: '/pin/pid' });
  assert.deepEqual(containerNamespaces(pod, pod, { ...pinned, proc: '/pin/proc' }).pid, {
    mode: 'join',
    path: '/pin/pid',
    proc: '/pin/proc',
  });
  const hostNet = { ...pod, network: 'NODE' as const };
  assert.deepEqual(containerNamespaces(hostNet, hostNet, pinned).uts, { mode: 'host' });
  assert.deepEqual(infraNamespaces(hostNet).net, { mode: 'host' });
  assert.deepEqual(containerNamespaces(pod, { ...pod, pid: 'TARGET' }, pinned, '/proc/9/ns/pid').pid, {
    mode: 'join',
    path: '/proc/9/ns/pid',
    procMountNs: '/proc/9/ns/mnt',
  });
});

test('image files are read inside the rootfs only, as capped regular files', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-root-'));
  try {
    await fs.mkdir(path.join(root, 'etc'));
    await fs.writeFile(path.join(root, 'etc', 'shadow'), 'inside\n');
    await fs.symlink('/etc/shadow', path.join(root, 'etc', 'passwd'));
    await fs.symlink('../../../..', path.join(root, 'up'));
    await fs.symlink('shadow', path.join(root, 'etc', 'relative'));
    await fs.writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\n');
    assert.equal(await readFileInRoot(root, '/etc/passwd'), 'inside\n', 'an absolute link stays in the root');
    assert.equal(await readFileInRoot(root, '/up/etc/group'), 'root:x:0:\n', '".." stops at the root');
    assert.equal(await readFileInRoot(root, '/etc/relative'), 'inside\n');
    assert.equal(await readFileInRoot(root, '/etc/missing'), undefined);
    assert.equal(await readFileInRoot(root, '/etc/group/x'), undefined);

    execFileSync('mkfifo', [path.join(root, 'etc', 'fifo')]);
    execFileSync('mknod', [path.join(root, 'etc', 'zero'), 'c', '1', '5']);
    await fs.symlink('/etc/fifo', path.join(root, 'etc', 'to-fifo'));
    await fs.writeFile(path.join(root, 'etc', 'big'), Buffer.alloc(MAX_ROOT_FILE_BYTES + 1, 'x'));
    for (const [name, what] of [
      ['fifo', /is a FIFO/],
      ['to-fifo', /is a FIFO/],
      ['zero', /is a character device/],
      ['big', /larger than/],
      ['', /is a directory/],
    ] as const) {
      await assert.rejects(readFileInRoot(root, `/etc/${name}`), (err: Error) => {
        assert.ok(err instanceof FailedPreconditionError && what.test(err.message), err.message);
        return true;
      });
    }
    await fs.symlink('loop', path.join(root, 'etc', 'loop'));
    await assert.rejects(readFileInRoot(root, '/etc/loop'), FailedPreconditionError);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('capabilities are limited to what corrald itself holds', () => {
  const all = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE'];
  const caps = { bounding: all, effective: all, permitted: all, inheritable: [], ambient: ['CAP_SYS_RESOURCE'] };
  const withoutSysResource = ~(1n << 24n);
  const held = withinOwnBoundingSet(caps, withoutSysResource);
  assert.deepEqual(held.bounding, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.deepEqual(held.ambient, []);
});
