import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapStatistics } from 'node:v8';
import { collectUnderMemoryPressure } from './v8_memory_pressure';

test('collectUnderMemoryPressure collects the unreachable and gives the emptied heap back, without --expose-gc', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  let garbage: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, name: `object ${i}` }));
  const ref = new WeakRef(garbage);
  const committedFull = getHeapStatistics().total_heap_size;
  garbage = undefined;
  await nextTurn(); // a WeakRef keeps its target until the turn that made it ends
  await collectUnderMemoryPressure();
  assert.equal(ref.deref(), undefined, 'collected by the time the call resolves');
  const committedAfter = getHeapStatistics().total_heap_size;
  assert.ok(
    committedAfter < committedFull - 8 * 1024 * 1024,
    `heap committed ${committedFull} bytes before, ${committedAfter} after`,
  );
  await collectUnderMemoryPressure(); // again, on the binding made the first time
});
