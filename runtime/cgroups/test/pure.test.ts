// The cgroup library's pure parts: layout detection from proc text, validation, conversions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors';
import { normalizeCgroupPath } from '../cgroup_path';
import { parseCpuList } from '../cpu_list';
import { cpuSharesToWeight } from '../cpu_weight';
import { formatDeviceRule } from '../devices_default';
import { detectHost, layoutFrom, loadHost, parseMountinfo } from '../host';
import { hugepageDirToSize, type NodeFacts } from '../host_facts';
import { memoryStatsFrom, usageNanoCores } from '../stats';
import { validateResources } from '../validate';
import { commutingRuns } from '../v1/devices';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const HYBRID_SELF = `9:name=systemd:/
4:memory:/process_api/abc
1:cpu,cpuacct:/
0::/`;

test('a hybrid host: v1 hierarchies, co-mounted controllers, own memory cgroup', () => {
  const host = layoutFrom(HYBRID_MOUNTINFO, HYBRID_SELF);
  assert.equal(host.mode, 'hybrid');
  assert.equal(host.v1.get('cpuacct')!.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  assert.deepEqual(host.v1.get('cpu')!.controllers, ['cpu', 'cpuacct']);
  assert.equal(host.v1.get('memory')!.ownPath, '/process_api/abc');
  assert.equal(host.v1.has('systemd'), false);
  assert.equal(host.v1.get('name=systemd')!.mountPoint, '/sys/fs/cgroup/systemd', 'containers join it (as runc)');
  assert.equal(host.unifiedMount, '/sys/fs/cgroup/unified');
  // What a container's /sys/fs/cgroup shows: the host's names, systemd's named hierarchy, no unified.
  assert.deepEqual(host.v1Mounts, [
    { dir: 'cpu,cpuacct', data: 'cpu,cpuacct' },
    { dir: 'memory', data: 'memory' },
    { dir: 'systemd', data: 'name=systemd' },
  ]);
});

test('a pure v2 host and a pure v1 host', () => {
  const v2 = layoutFrom(
    '30 23 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate',
    '0::/system.slice/corrald.service',
  );
  assert.equal(v2.mode, 'v2');
  assert.equal(v2.unifiedOwnPath, '/system.slice/corrald.service');
  assert.deepEqual(v2.v1Mounts, []);
  const v1 = layoutFrom('35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory', '4:memory:/');
  assert.equal(v1.mode, 'v1');
});

test('only the cgroup lines of a long mountinfo are kept, whatever the other lines hold', () => {
  const lines = [
    '22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw',
    // A path naming cgroups, optional fields, an escaped space, a type that only starts with "cgroup".
    '50 22 0:40 / /run/x\\040-\\040cgroup rw shared:3 master:1 - tmpfs tmpfs rw',
    '51 22 0:41 / /mnt/cgroupish rw - cgroupfoo none rw',
    '32 31 0:29 /pod /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct',
    ...Array.from(
      { length: 3000 },
      (_, i) => `${100 + i} 1 0:${60 + i} / /run/pods/${i}/rootfs rw - overlay overlay rw`,
    ),
    '41 31 0:38 / /sys/fs/cgroup/unified\\040dir rw,relatime - cgroup2 cgroup2 rw',
  ];
  const mounts = parseMountinfo(lines.join('\n'));
  assert.deepEqual(mounts, [
    {
      root: '/pod',
      mountPoint: '/sys/fs/cgroup/cpu,cpuacct',
      fsType: 'cgroup',
      superOptions: ['rw', 'cpu', 'cpuacct'],
    },
    { root: '/', mountPoint: '/sys/fs/cgroup/unified dir', fsType: 'cgroup2', superOptions: ['rw'] },
  ]);
  assert.deepEqual(parseMountinfo(`${lines.join('\n')}\n`), mounts, 'a trailing newline changes nothing');
});

test('loadHost reads, off the event loop, the layout detectHost then returns', async () => {
  const loaded = await loadHost();
  assert.equal(detectHost(), loaded);
  const read = (file: string) => readFileSync(file, 'utf8');
  assert.deepEqual(loaded, layoutFrom(read('/proc/self/mountinfo'), read('/proc/self/cgroup')));
});

const facts: NodeFacts = { cpus: new Set([0, 1]), mems: new Set([0]), hugepageSizes: new Set(['2MB', '1GB']) };

test('validation names the field and accepts the edges', () => {
  const bad: [object, RegExp][] = [
    [{ cpuQuota: 999 }, /^cpu_quota/],
    [{ cpuQuota: 0 }, /^cpu_quota/],
    [{ cpuQuota: -2 }, /^cpu_quota/],
    [{ cpuPeriod: 999 }, /^cpu_period/],
    [{ cpuShares: 1 }, /^cpu_shares/],
    [{ memoryLimitBytes: 4096 }, /^memory_limit_in_bytes/],
    [{ memoryLimitBytes: -1 }, /^memory_limit_in_bytes/],
    [{ cpusetCpus: '2' }, /^cpuset_cpus/],
    [{ cpusetCpus: '1-0' }, /^cpuset_cpus/],
    [{ cpusetMems: '1' }, /^cpuset_mems/],
    [{ hugepageLimits: [{ pageSize: '4MB', limitBytes: 0 }] }, /^hugepage_limits/],
    [{ unified: { 'cgroup.procs': '1' } }, /^unified/],
    [{ unified: { '../x': '1' } }, /^unified/],
  ];
  for (const [r, field] of bad) {
    assert.throws(
      () => validateResources(r, 'v2', facts),
      (e: Error) => e instanceof InvalidArgumentError && field.test(e.message),
      JSON.stringify(r),
    );
  }
  assert.throws(
    () => validateResources({ unified: { 'memory.high': '1' } }, 'v1', facts),
    /unified: raw cgroup v2 keys/,
  );
  validateResources(
    {
      cpuQuota: -1,
      cpuPeriod: 1000,
      cpuShares: 2,
      memoryLimitBytes: 6 * 1024 * 1024,
      memorySwapLimitBytes: -1,
      cpusetCpus: '0-1',
      cpusetMems: '0',
      hugepageLimits: [{ pageSize: '2MB', limitBytes: 0 }],
      unified: { 'memory.high': '1' },
    },
    'v2',
    facts,
  );
});

test('cpu shares convert to weight as runc and the kubelet do', () => {
  assert.equal(cpuSharesToWeight(2), 1);
  assert.equal(cpuSharesToWeight(1024), 39);
  assert.equal(cpuSharesToWeight(262144), 10000);
});

test('usage_nano_cores is the rate between two samples', () => {
  const a = {
    timestampNs: 1_000_000_000n,
    cpu: { usageNs: 0n, userNs: 0n, systemNs: 0n, periods: 0, throttledPeriods: 0, throttledNs: 0n },
  };
  const b = {
    timestampNs: 3_000_000_000n,
    cpu: { usageNs: 1_000_000_000n, userNs: 0n, systemNs: 0n, periods: 0, throttledPeriods: 0, throttledNs: 0n },
  };
  assert.equal(usageNanoCores(a, b), 500_000_000);
  assert.equal(usageNanoCores(b, a), 0);
  assert.equal(usageNanoCores(a, a), 0);
});

test('memory working set and available bytes', () => {
  const m = memoryStatsFrom({
    usage: 100,
    limit: 150,
    inactiveFile: 30,
    rss: 50,
    cache: 40,
    limitHits: 0,
    pageFaults: 1,
    majorPageFaults: 0,
  });
  assert.equal(m.workingSetBytes, 70);
  assert.equal(m.availableBytes, 80);
  assert.equal(
    memoryStatsFrom({ usage: 10, inactiveFile: 30, rss: 0, cache: 0, limitHits: 0, pageFaults: 0, majorPageFaults: 0 })
      .workingSetBytes,
    0,
  );
});

test('lists, paths, page sizes, device rules', () => {
  assert.deepEqual(parseCpuList('0-2,5', 'f'), [0, 1, 2, 5]);
  assert.equal(normalizeCgroupPath('kubepods//pod1/'), '/kubepods/pod1');
  assert.throws(() => normalizeCgroupPath('/a/../../etc'), InvalidArgumentError);
  assert.throws(() => normalizeCgroupPath('/'), InvalidArgumentError);
  assert.equal(hugepageDirToSize('hugepages-2048kB'), '2MB');
  assert.equal(hugepageDirToSize('hugepages-1048576kB'), '1GB');
  assert.equal(formatDeviceRule({ allow: true, type: 'c', major: 136, access: 'rwm' }), 'c 136:* rwm');
  assert.equal(formatDeviceRule({ allow: false, type: 'a', access: 'rwm' }), 'a');
});

test('v1 device rules are written in runs whose order does not matter; "a" rules stand alone', () => {
  const rule = (allow: boolean, type: 'a' | 'c' | 'b', major?: number) => ({ allow, type, major, access: 'rwm' });
  const rules = [
    rule(false, 'a'),
    rule(true, 'c', 1),
    rule(true, 'b', 8),
    rule(false, 'c', 1),
    rule(true, 'a'),
    rule(true, 'c', 5),
  ];
  assert.deepEqual(commutingRuns(rules), [[rules[0]], [rules[1], rules[2]], [rules[3]], [rules[4]], [rules[5]]]);
  assert.deepEqual(commutingRuns([]), []);
});
