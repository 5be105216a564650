// Unit properties are built without dbus-next (so a cgroupfs node never loads it) and become
// dbus-next's own Variants when sent: its marshaller accepts no other class.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dbus from 'dbus-next';
import { toDbusValue } from '../systemd/systemd_bus';
import { resourceProperties, Variant, type UnitProperty } from '../systemd/unit_properties';

test('unit properties become dbus-next Variants, nested ones too, values untouched', () => {
  const ours: UnitProperty[] = [
    ['PIDs', new Variant('au', [1, 2])],
    ['Delegate', new Variant('b', true)],
    ['DeviceAllow', new Variant('a(ss)', [['/dev/null', 'rwm']])],
    ['Nested', new Variant('v', new Variant('s', 'inner'))],
    ...resourceProperties({ memoryLimitBytes: 64 << 20, cpuShares: 512, pidsLimit: 100, cpusetCpus: '0-1' }, 'v2'),
  ];
  const expected = ours.map(([name, v]) => [
    name,
    new dbus.Variant(v.signature, v.value instanceof Variant ? new dbus.Variant('s', 'inner') : v.value),
  ]);
  const sent = toDbusValue(dbus, ours) as Array<[string, unknown]>;
  assert.ok(ours.length > 5);
  assert.deepEqual(sent, expected);
  for (const [, value] of sent) assert.ok(value instanceof dbus.Variant);
});
