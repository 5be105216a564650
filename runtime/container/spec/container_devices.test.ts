// CRI devices: host nodes are resolved to type and numbers, bad requests are refused up front.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../errors';
import { containerDevices, deviceMounts, deviceRules, resolveDevices } from './container_devices';

test('a host device becomes a bind at its container path and an allow rule with its permissions', async () => {
  const devices = await resolveDevices([
    { containerPath: '/dev/my-null', hostPath: '/dev/null', permissions: 'rw' },
    { containerPath: '/dev/my-zero/', hostPath: '/dev/zero', permissions: '' },
  ]);
  assert.deepEqual(deviceRules(devices), [
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
    { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  ]);
  assert.deepEqual(
    deviceMounts(devices).map((m) => [m.source, m.destination, m.type]),
    [
      ['/dev/null', '/dev/my-null', 'bind'],
      ['/dev/zero', '/dev/my-zero', 'bind'],
    ],
  );
});

test('bad device requests fail before anything is made', async () => {
  const bad = async (containerPath: string, hostPath: string, permissions: string) =>
    resolveDevices([{ containerPath, hostPath, permissions }]);
  await assert.rejects(bad('dev/x', '/dev/null', 'rwm'), InvalidArgumentError);
  await assert.rejects(bad('/dev/x', 'dev/null', 'rwm'), InvalidArgumentError);
  await assert.rejects(bad('/dev/x', '/dev/null', 'rwx'), InvalidArgumentError);
  await assert.rejects(bad('/dev/x', '/dev/null', 'rr'), InvalidArgumentError);
  await assert.rejects(bad('/dev/x', '/etc/hostname', 'r'), InvalidArgumentError);
  await assert.rejects(bad('/dev/x', '/dev/no-such-device', 'r'), NotFoundError);
});

test("a privileged container gets the host's device nodes, not the ones it makes itself", async () => {
  const devices = await containerDevices(true, [
    { containerPath: '/dev/loop-control', hostPath: '/dev/null', permissions: 'r' },
  ]);
  const paths = devices.map((d) => d.containerPath);
  assert.ok(!paths.includes('/dev/null') && !paths.includes('/dev/ptmx'), 'own nodes are left to the helper');
  assert.ok(!paths.some((p) => p.startsWith('/dev/pts/')), "the host's ptys stay out");
  assert.equal(paths.filter((p) => p === '/dev/loop-control').length, 1, 'a CRI device wins on its path');
  assert.equal(devices.find((d) => d.containerPath === '/dev/loop-control')?.hostPath, '/dev/null');
  assert.deepEqual(await containerDevices(false, []), []);
});
