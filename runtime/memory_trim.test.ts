import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTrimmer } from './memory_trim';

const MiB = 1024 * 1024;

/** A trimmer on a fake event-loop clock, recording the steps it takes. */
function trimmerOnFakeLoop(collectHeap: () => Promise<void> = async () => {}) {
  const steps: string[] = [];
  let busyMs = 0;
  const memory = { resident: 70 * MiB };
  const trimmer = new MemoryTrimmer(
    {
      trimMalloc: () => steps.push('trim'),
      collectHeap: () => {
        steps.push('collect');
        return collectHeap();
      },
    },
    { busyMs: () => busyMs, residentBytes: () => memory.resident },
  );
  /** One period with this much event-loop work, then the trimmer's look at it. */
  const period = (workMs: number) => {
    busyMs += workMs;
    return trimmer.tick();
  };
  return { steps, period, memory };
}

test('after a burst the heap is collected and malloc trimmed, once, when two periods were quiet', async () => {
  const { steps, period } = trimmerOnFakeLoop();
  for (let i = 0; i < 5; i++) await period(300);
  assert.deepEqual(steps, ['trim'], 'only malloc is trimmed while work goes on, every third busy period');
  await period(0);
  assert.deepEqual(steps, ['trim'], 'one quiet period is not enough');
  await period(5);
  assert.deepEqual(steps, ['trim', 'collect', 'trim']);
  for (let i = 0; i < 10; i++) await period(5);
  assert.deepEqual(steps, ['trim', 'collect', 'trim'], 'an idle daemon is left alone');
});

test('a busy period in the quiet stretch puts the collection off; light work never earns one', async () => {
  const { steps, period } = trimmerOnFakeLoop();
  for (const work of [600, 0, 100, 0]) await period(work);
  assert.deepEqual(steps, []);
  await period(0);
  assert.deepEqual(steps, ['collect', 'trim']);
  for (let i = 0; i < 21; i++) await period(i % 3 === 0 ? 30 : 0); // light, spread-out work: 210 ms
  assert.deepEqual(
    steps.filter((step) => step === 'collect'),
    ['collect'],
    'not worth a collection yet',
  );
});

test('after little work, a collection comes only when the resident set grew by 8 MiB since the last one', async () => {
  const { steps, period, memory } = trimmerOnFakeLoop();
  for (const work of [100, 0, 0]) await period(work);
  assert.deepEqual(steps, [], 'little work, no growth');
  memory.resident += 10 * MiB; // an image pull's buffers
  for (const work of [100, 0, 0]) await period(work);
  assert.deepEqual(steps, ['collect', 'trim']);
  memory.resident += 4 * MiB; // measured after the collection: this is the new mark
  for (const work of [100, 0, 0]) await period(work);
  assert.deepEqual(steps, ['collect', 'trim'], '4 MiB is not enough');
});

test('a look during a collection does nothing; a failed collection turns heap collections off, malloc trims go on', async () => {
  let finish = () => {};
  const { steps, period } = trimmerOnFakeLoop(
    () => new Promise<void>((resolve, reject) => (finish = () => reject(new Error('not exported')))),
  );
  await period(600);
  await period(0);
  const collecting = period(0);
  await period(0);
  assert.deepEqual(steps, ['collect']);
  finish();
  await collecting;
  assert.deepEqual(steps, ['collect', 'trim']);
  await period(600);
  await period(0);
  await period(0);
  assert.deepEqual(steps, ['collect', 'trim', 'trim'], 'no second collection after a failure');
});

test('the trimmer started for real looks at the loop every second and stops', async () => {
  const steps: string[] = [];
  let looks = 0;
  const trimmer = new MemoryTrimmer(
    { trimMalloc: () => steps.push('trim'), collectHeap: async () => void steps.push('collect') },
    {
      busyMs: () => {
        looks++;
        return 0;
      },
      residentBytes: () => 70 * MiB,
    },
  );
  trimmer.start();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  trimmer.stop();
  const seen = looks;
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(seen, 2, 'the constructor and one period');
  assert.equal(looks, seen, 'no look after stop()');
  assert.deepEqual(steps, []);
});
