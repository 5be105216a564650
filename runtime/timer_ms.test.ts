import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TIMER_MS, timerMs } from './timer_ms';

test('timeouts past what a Node timer holds are capped, not wrapped to an immediate firing', () => {
  assert.equal(timerMs(0), 0);
  assert.equal(timerMs(-5), 0);
  assert.equal(timerMs(Number.NaN), 0);
  assert.equal(timerMs(30), 30_000);
  assert.equal(timerMs(Number('9223372036854775807')), MAX_TIMER_MS);
});
