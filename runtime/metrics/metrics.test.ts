import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRIC_DESCRIPTORS } from './descriptors';
import type { PodMetrics } from './metric_types';
import { MetricWriter } from './metric_writer';
import { writeCpu } from './object_values';
import { PodMetricsCache } from './pod_metrics_cache';

const cpu = (usageNs: bigint) => ({
  usageNs,
  userNs: usageNs / 2n,
  systemNs: usageNs / 2n,
  periods: 3,
  throttledPeriods: 1,
  throttledNs: 2_500_000n,
});

test('sub-second CPU time is not lost: whole seconds for cAdvisor names, microseconds beside them', () => {
  const w = new MetricWriter(['id', 'name', 'image'], 1n);
  writeCpu(w, cpu(1_750_000_000n));
  const value = (name: string) => w.samples.find((s) => s.name === name)!.value;
  assert.equal(value('container_cpu_usage_seconds_total'), 1n);
  assert.equal(value('container_cpu_usage_microseconds_total'), 1_750_000n);
  assert.equal(value('container_cpu_cfs_throttled_seconds_total'), 0n);
  assert.equal(value('container_cpu_cfs_throttled_microseconds_total'), 2_500n);
  assert.deepEqual(w.samples.find((s) => s.name === 'container_cpu_usage_seconds_total')!.labels, [
    'id',
    'name',
    'image',
    'total',
  ]);
});

test('every sample matches its descriptor: kind and number of labels', () => {
  const w = new MetricWriter(['i', 'n', 'm'], 7n);
  writeCpu(w, cpu(1n));
  for (const s of w.samples) {
    const d = METRIC_DESCRIPTORS.find((x) => x.name === s.name)!;
    assert.equal(s.kind, d.kind);
    assert.equal(s.labels.length, d.labelKeys.length);
    assert.equal(s.timestampNs, 7n);
  }
  assert.throws(() => w.add('container_cpu_usage_seconds_total', 1), /label values/);
  w.add('container_memory_rss', -5);
  assert.equal(w.samples.at(-1)!.value, 0n, 'negative values clamp to 0 (UInt64Value)');
});

test('the cache reads once, serves its snapshot within the period and refreshes in the background', async () => {
  let now = 0;
  let reads = 0;
  const snapshot = (n: number): PodMetrics[] => [{ podId: `read-${n}`, metrics: [], containers: [] }];
  const cache = new PodMetricsCache({ collect: async () => snapshot(++reads) }, 1000, undefined, () => now);
  const [a, b] = await Promise.all([cache.get(), cache.get()]);
  assert.equal(reads, 1, 'two requests at once share one read');
  assert.deepEqual(a, b);
  now = 500;
  assert.equal((await cache.get())[0].podId, 'read-1');
  now = 1500;
  assert.equal((await cache.get())[0].podId, 'read-1', 'a stale snapshot is served at once');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(reads, 2, 'and a refresh started');
  assert.equal((await cache.get())[0].podId, 'read-2');
});

test('a period of 0 reads live every time', async () => {
  let reads = 0;
  const cache = new PodMetricsCache(
    { collect: async () => [{ podId: String(++reads), metrics: [], containers: [] }] },
    0,
  );
  await cache.get();
  assert.equal((await cache.get())[0].podId, '2');
});

test('prepare runs once per collection, not once per request', async () => {
  let prepared = 0;
  const cache = new PodMetricsCache({ collect: async () => [] }, 60_000, (pods) => ({ n: ++prepared, pods }));
  await cache.get();
  await cache.get();
  assert.equal((await cache.get()).n, 1);
});
