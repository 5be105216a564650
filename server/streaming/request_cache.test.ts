import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCache, type StreamingRequest } from './request_cache';

const request: StreamingRequest = { kind: 'portforward', podSandboxId: 'p', ports: [] };

test('a token is consumed by its first use', () => {
  const cache = new RequestCache();
  const token = cache.insert(request);
  assert.deepEqual(cache.consume(token), request);
  assert.equal(cache.consume(token), undefined);
});

test('a token expires after its TTL', () => {
  let now = 1000;
  const cache = new RequestCache(60_000, () => now);
  const token = cache.insert(request);
  now += 60_000;
  assert.equal(cache.consume(token), undefined);
});

test('tokens are distinct and unguessable in shape', () => {
  const cache = new RequestCache();
  const a = cache.insert(request);
  const b = cache.insert(request);
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
});
