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
  /** One start-up period (100 ms) with this much event-loop work, then the trimmer's look at it. */
  const startUpPeriod = (workMs: number) => {
    busyMs += workMs;
    return trimmer.startUpTick();
  };
  return { steps, period, startUpPeriod, memory };
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

test("start-up's garbage is collected at the first quiet start-up period, in two collections, and only then", async () => {
  const { steps, startUpPeriod, period } = trimmerOnFakeLoop();
  assert.equal(await startUpPeriod(40), false, 'kubelet still calling: not yet');
  assert.equal(await startUpPeriod(15), false);
  assert.deepEqual(steps, []);
  assert.equal(await startUpPeriod(3), true);
  assert.deepEqual(steps, ['collect', 'collect', 'trim']);
  for (let i = 0; i < 10; i++) await period(5);
  assert.deepEqual(steps, ['collect', 'collect', 'trim'], 'after it an idle daemon is left alone');
});

test('a start-up that stays busy is owed as a burst, collected once the work goes quiet', async () => {
  const { steps, startUpPeriod, period } = trimmerOnFakeLoop();
  for (let i = 0; i < 19; i++) assert.equal(await startUpPeriod(12), false);
  assert.equal(await startUpPeriod(12), true, 'given up after 20 busy start-up periods');
  assert.deepEqual(steps, []);
  await period(0);
  await period(0);
  assert.deepEqual(steps, ['collect', 'trim'], 'light start-up work (240 ms) still earns the collection');
});

test('the trimmer started for real collects after start-up, then looks at the loop every second, and stops', async () => {
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
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(steps, ['collect', 'collect', 'trim'], 'start-up collected at the first quiet 100 ms');
  const afterStartUp = looks;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(looks, afterStartUp + 1, 'then one look a second');
  trimmer.stop();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(looks, afterStartUp + 1, 'no look after stop()');
  assert.deepEqual(steps, ['collect', 'collect', 'trim']);
});
