// The systemd driver's naming and property mapping, and each driver refusing the other's
// cgroup_parent form (kubelet's driver mismatch would otherwise go unnoticed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupfsPodPath } from '../cgroup_path';
import { InvalidArgumentError } from '../../errors';
import { SystemdCgroupManager } from '../systemd/manager';
import { expandSlice } from '../systemd/slice';
import { cpuMask, INFINITY, resourceProperties } from '../systemd/unit_properties';
import { FakeCgroupManager } from '../../testing/fake_cgroups';

test('slice names expand as systemd expands them', () => {
  assert.equal(
    expandSlice('kubepods-burstable-pod12_34.slice'),
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12_34.slice',
  );
  assert.equal(expandSlice('system.slice'), '/system.slice');
  assert.equal(expandSlice('-.slice'), '/');
  for (const bad of ['a--b.slice', '-a.slice', 'a-.slice', 'a/b.slice', 'x.scope', 'a b.slice'])
    assert.throws(() => expandSlice(bad), InvalidArgumentError, bad);
});

test("each driver refuses the other driver's cgroup_parent, naming the setting", () => {
  assert.throws(() => cgroupfsPodPath('kubepods-pod1.slice', 'p', '/corral'), /cgroup_driver "cgroupfs"/);
  assert.equal(cgroupfsPodPath('', 'p', '/corral'), '/corral/p');
  assert.equal(cgroupfsPodPath('/system.slice/x', 'p', '/corral'), '/system.slice/x/p');
  const systemd = new SystemdCgroupManager(new FakeCgroupManager());
  assert.throws(() => systemd.podCgroupPath('/kubepods/pod1', 'p'), /cgroup_driver "systemd"/);
  assert.equal(systemd.podCgroupPath('kubepods-pod1.slice', 'p'), '/kubepods.slice/kubepods-pod1.slice');
  assert.equal(systemd.podCgroupPath('', 'p1'), '/corral.slice/corral-podp1.slice');
  assert.equal(systemd.containerCgroupPath('/a.slice', 'c1'), '/a.slice/corral-c1.scope');
});

test('limits become the unit properties runc sets, per layout', () => {
  const r = { cpuShares: 1024, cpuPeriod: 100_000, cpuQuota: 33_333, memoryLimitBytes: 64 << 20, pidsLimit: -1 };
  const v2 = Object.fromEntries(resourceProperties(r, 'v2').map(([k, v]) => [k, v.value]));
  assert.deepEqual(v2, {
    CPUWeight: 39n,
    CPUQuotaPeriodUSec: 100_000n,
    CPUQuotaPerSecUSec: 340_000n, // 333.33 ms rounded up to systemd's 10 ms steps
    MemoryMax: BigInt(64 << 20),
    TasksMax: INFINITY,
  });
  const v1 = Object.fromEntries(resourceProperties(r, 'v1').map(([k, v]) => [k, v.value]));
  assert.equal(v1.CPUShares, 1024n);
  assert.equal(v1.MemoryLimit, BigInt(64 << 20));
  assert.equal(v1.MemoryMax, undefined);
  assert.deepEqual([...cpuMask('0-2,9')], [0b111, 0b10]);
});
