// CRI devices: host nodes are resolved to type and numbers, bad requests are refused up front.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../errors';
import { deviceMounts, deviceRules, resolveDevices } from './container_devices';

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
