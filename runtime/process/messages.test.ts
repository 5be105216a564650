// Unit tests: names and options turned into what the helper reads, and bad input refused.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { capabilityMask, rlimitNumber, signalNumber } from './linux_names';
import { mountFlags } from './mount_flags';
import { encodeRecords } from './wire';
import { containerMessage } from './messages';
import { InvalidArgumentError } from '../errors';
import type { ContainerSpec } from './contract';
import { processSpec } from './testing/container_fixture';

const spec = (overrides: Partial<ContainerSpec>): ContainerSpec => ({
  id: 'x',
  bundleDir: '/b',
  rootfs: '/r',
  readonlyRootfs: false,
  rootfsMode: 'pivot_root',
  namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
  mounts: [],
  maskedPaths: [],
  readonlyPaths: [],
  privileged: false,
  sysctls: {},
  cgroupProcsFiles: [],
  logPath: '',
  process: processSpec(['true']),
  ...overrides,
});

describe('helper messages', () => {
  it('encodes length-prefixed, NUL-terminated records after the version record', () => {
    const bytes = encodeRecords([['k', Buffer.from([0, 1])]]);
    const expected = Buffer.concat([
      Buffer.from([6, 0, 0, 0, 1, 0, 0, 0]),
      Buffer.from('corral\u00001\u0000'),
      Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]),
      Buffer.from('k\u0000'),
      Buffer.from([0, 1, 0]),
    ]);
    assert.deepEqual(bytes, expected);
  });

  it('turns capability, rlimit and signal names into numbers', () => {
    assert.equal(capabilityMask(['CAP_CHOWN', 'KILL', 'CAP_SYS_ADMIN']), '0x200021');
    assert.equal(rlimitNumber('RLIMIT_NOFILE'), 7);
    assert.equal(signalNumber('SIGTERM'), 15);
    assert.equal(signalNumber('KILL'), 9);
    assert.equal(signalNumber('10'), 10);
    assert.throws(() => capabilityMask(['CAP_FLY']), InvalidArgumentError);
    assert.throws(() => signalNumber('SIGNOPE'), InvalidArgumentError);
    assert.throws(() => rlimitNumber('RLIMIT_SPEED'), InvalidArgumentError);
  });

  it('splits mount options into flags and data', () => {
    const base = { source: 'tmpfs', destination: '/t', type: 'tmpfs' as const, recursiveReadonly: false };
    assert.deepEqual(
      mountFlags({
        ...base,
        options: ['nosuid', 'size=1m', 'rbind', 'mode=755'],
        readonly: true,
        propagation: 'rslave',
      }),
      { flags: 1 | 2, data: 'size=1m,mode=755', propagation: (1 << 19) | 0x4000 },
    );
    assert.equal(mountFlags({ ...base, options: ['ro', 'rw'], readonly: false, propagation: 'private' }).flags, 0);
  });

  it('refuses relative mount destinations and namespace paths', () => {
    const mount = {
      source: '/h',
      destination: 'rel',
      type: 'bind' as const,
      options: [],
      readonly: false,
      recursiveReadonly: false,
      propagation: 'private' as const,
    };
    assert.throws(() => containerMessage(spec({ mounts: [mount] })), InvalidArgumentError);
    assert.throws(
      () =>
        containerMessage(
          spec({
            namespaces: {
              net: { mode: 'join', path: 'ns/net' },
              ipc: { mode: 'new' },
              uts: { mode: 'new' },
              pid: { mode: 'new' },
            },
          }),
        ),
      InvalidArgumentError,
    );
    assert.throws(() => containerMessage(spec({ process: processSpec([]) })), InvalidArgumentError);
  });

  it('sends a joined user namespace with its id maps (they idmap the rootfs)', () => {
    const maps = [{ containerId: 0, hostId: 200000, size: 65536 }];
    const text = containerMessage(
      spec({ userNamespace: { mode: 'join', path: '/pin/user', uidMappings: maps, gidMappings: maps } }),
    ).toString('latin1');
    assert.match(text, /userns\0join:\/pin\/user\0/);
    assert.match(text, /uid_map\0+0 200000 65536\n\0/);
    assert.match(text, /gid_map\0+0 200000 65536\n\0/);
    assert.doesNotMatch(
      containerMessage(spec({ userNamespace: { mode: 'join', path: '/pin/user' } })).toString('latin1'),
      /uid_map/,
    );
  });

  it("sends the pod's proc pin with a joined pid namespace, and the older kernels' switch", () => {
    const namespaces = { ...spec({}).namespaces, pid: { mode: 'join' as const, path: '/pin/pid', proc: '/pin/proc' } };
    const text = containerMessage(spec({ namespaces })).toString('latin1');
    assert.match(text, /ns\.pid\0join:\/pin\/pid\0/);
    assert.match(text, /proc_pin\0\/pin\/proc\0/);
    assert.doesNotMatch(text, /no_proc_pidns/);
    assert.match(containerMessage(spec({}), false).toString('latin1'), /no_proc_pidns\0+1\0/);
    const target = {
      ...namespaces,
      pid: { mode: 'join' as const, path: '/proc/9/ns/pid', procMountNs: '/proc/9/ns/mnt' },
    };
    assert.match(
      containerMessage(spec({ namespaces: target })).toString('latin1'),
      /proc_mnt_ns\0\/proc\/9\/ns\/mnt\0/,
    );
    const relative = { ...namespaces, pid: { ...namespaces.pid, proc: 'pin/proc' } };
    assert.throws(() => containerMessage(spec({ namespaces: relative })), InvalidArgumentError);
  });
});
