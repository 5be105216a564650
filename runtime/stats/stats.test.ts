// Stats helpers: the CPU rate between samples, /proc/net/dev parsing, pod resources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podResources } from '../cgroups/pod_resources';
import { CpuRateTracker } from './cpu_rate';
import { parseNetDev, podInterfaces } from './net_dev';

const cpu = (usageNs: bigint) => ({
  usageNs,
  userNs: 0n,
  systemNs: 0n,
  periods: 0,
  throttledPeriods: 0,
  throttledNs: 0n,
});

test('the CPU rate is reported from the second sample on, per object', () => {
  const t = new CpuRateTracker();
  assert.equal(t.observe('a', { timestampNs: 0n, cpu: cpu(0n) }), undefined);
  assert.equal(t.observe('a', { timestampNs: 1_000_000_000n, cpu: cpu(250_000_000n) }), 250_000_000);
  assert.equal(t.observe('b', { timestampNs: 1_000_000_000n, cpu: cpu(0n) }), undefined);
  t.retain(['b']);
  assert.equal(t.observe('a', { timestampNs: 2_000_000_000n, cpu: cpu(0n) }), undefined, 'a was forgotten');
});

test('/proc/net/dev is parsed; our own process sees loopback left out', async () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0: 5000      40    2    1    0     0          0         0     7000      50    3    4    0     0       0          0`;
  assert.deepEqual(parseNetDev(text), [
    {
      name: 'lo',
      ...{ rxBytes: 100, rxPackets: 1, rxErrors: 0, rxDropped: 0 },
      ...{ txBytes: 100, txPackets: 1, txErrors: 0, txDropped: 0 },
    },
    {
      name: 'eth0',
      ...{ rxBytes: 5000, rxPackets: 40, rxErrors: 2, rxDropped: 1 },
      ...{ txBytes: 7000, txPackets: 50, txErrors: 3, txDropped: 4 },
    },
  ]);
  assert.ok((await podInterfaces(process.pid)).every((i) => i.name !== 'lo'));
});

test("pod resources add overhead to the containers' sum; no limit stays no limit", () => {
  assert.deepEqual(
    podResources(
      { memoryLimitBytes: 100, cpuQuota: 5000, cpuPeriod: 100000 },
      { memoryLimitBytes: 10, cpuQuota: 1000 },
    ),
    {
      cpuPeriod: 100000,
      cpuQuota: 6000,
      cpuShares: undefined,
      memoryLimitBytes: 110,
      memorySwapLimitBytes: undefined,
      cpusetCpus: undefined,
      cpusetMems: undefined,
      hugepageLimits: undefined,
      unified: undefined,
    },
  );
  assert.equal(podResources({}, { memoryLimitBytes: 10 }).memoryLimitBytes, undefined);
  assert.equal(podResources({ memoryLimitBytes: -1 }, { memoryLimitBytes: 10 }).memoryLimitBytes, -1);
});
