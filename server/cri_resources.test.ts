// CRI resources in and out: 0 means unset, strings become numbers, and back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../runtime/errors';
import { resourcesFromCri, resourcesToCri } from './cri_resources';

const wire = {
  cpu_period: '100000',
  cpu_quota: '50000',
  cpu_shares: '0',
  memory_limit_in_bytes: '67108864',
  oom_score_adj: '500',
  cpuset_cpus: '0',
  cpuset_mems: '',
  hugepage_limits: [{ page_size: '2MB', limit: '0' }],
  unified: {},
  memory_swap_limit_in_bytes: '-1',
};

test('wire resources become cgroup resources and back', () => {
  const r = resourcesFromCri(wire);
  assert.deepEqual(r, {
    cpuPeriod: 100000,
    cpuQuota: 50000,
    cpuShares: undefined,
    memoryLimitBytes: 67108864,
    memorySwapLimitBytes: -1,
    cpusetCpus: '0',
    cpusetMems: undefined,
    hugepageLimits: [{ pageSize: '2MB', limitBytes: 0 }],
  });
  assert.deepEqual(resourcesToCri(r, 500), { ...wire, cpu_shares: '0' });
  assert.deepEqual(resourcesFromCri(null), {});
  assert.throws(
    () => resourcesFromCri({ ...wire, memory_limit_in_bytes: '99999999999999999999' }),
    InvalidArgumentError,
  );
});

test('a memory limit without a swap limit allows no swap, as containerd', () => {
  const r = resourcesFromCri({ ...wire, memory_swap_limit_in_bytes: '0' });
  assert.equal(r.memorySwapLimitBytes, 67108864);
  assert.equal(
    resourcesFromCri({ ...wire, memory_limit_in_bytes: '0', memory_swap_limit_in_bytes: '0' }).memorySwapLimitBytes,
    undefined,
  );
});
