// What a burst of work (pods made or removed, an image pulled) leaves behind stays resident while
// corrald idles: V8 starts no full collection while nothing allocates, so the burst's garbage and
// the heap pages it filled stay committed (~30 MiB after 500 pods made and removed), and glibc
// keeps what the thread pool freed in its arenas. Once a burst has gone quiet, V8 is asked for
// its memory-pressure collection (compacts the heap, gives back the emptied pages; tens of
// milliseconds on the event loop, once per burst), then malloc's free memory goes back to the
// kernel. While work goes on, only malloc is trimmed, every few seconds (about a millisecond).
// An idle daemon is left alone.
import { performance } from 'node:perf_hooks';
import { mallocTrim } from '../native/libc';
import { collectUnderMemoryPressure } from '../native/v8_memory_pressure';
import { moduleLogger } from './log';

const log = moduleLogger('memory');

/** How often activity is looked at. */
const PERIOD_MS = 1000;
/** Event-loop time in one period that counts as work. */
const BUSY_MS = 20;
/** While work goes on, malloc is trimmed every this many busy periods. */
const TRIM_EVERY_BUSY_PERIODS = 3;
/** Quiet periods after a burst before the heap is collected. */
const QUIET_PERIODS = 2;
/** Work since the last collection that makes one worth its pause (keeps its cost to a few percent). */
const COLLECT_AFTER_WORK_MS = 500;

export interface ReclaimSteps {
  trimMalloc(): void;
  /** A full, compacting collection that gives the emptied heap pages back. */
  collectHeap(): Promise<void>;
}

const processSteps: ReclaimSteps = { trimMalloc: mallocTrim, collectHeap: collectUnderMemoryPressure };

/** Event-loop time spent working since the loop started, in ms. */
const eventLoopBusyMs = () => performance.eventLoopUtilization().active;

export class MemoryTrimmer {
  private timer?: NodeJS.Timeout;
  private lastBusyMs: number;
  /** Work since the last collection. */
  private owedMs = 0;
  private busyPeriods = 0;
  private quietPeriods = 0;
  private collecting = false;
  private heapCollectionFailed = false;

  constructor(
    private readonly steps: ReclaimSteps = processSteps,
    private readonly busyMs: () => number = eventLoopBusyMs,
  ) {
    this.lastBusyMs = busyMs();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), PERIOD_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One period's look at the event loop (start() calls it every PERIOD_MS); resolves when its steps are done. */
  async tick(): Promise<void> {
    if (this.collecting) return;
    const workedMs = this.takeWorkedMs();
    if (workedMs >= BUSY_MS) {
      this.owedMs += workedMs;
      this.quietPeriods = 0;
      if (++this.busyPeriods % TRIM_EVERY_BUSY_PERIODS === 0) this.steps.trimMalloc();
      return;
    }
    if (this.owedMs < COLLECT_AFTER_WORK_MS || ++this.quietPeriods < QUIET_PERIODS) return;
    this.collecting = true;
    try {
      await this.collectHeap();
      this.steps.trimMalloc(); // after the collection: it freed the heap's external buffers
    } finally {
      this.owedMs = 0;
      this.busyPeriods = 0;
      this.quietPeriods = 0;
      this.takeWorkedMs(); // the collection's own time is not work to collect after
      this.collecting = false;
    }
  }

  private async collectHeap(): Promise<void> {
    if (this.heapCollectionFailed) return;
    try {
      await this.steps.collectHeap();
    } catch (err) {
      this.heapCollectionFailed = true; // it cannot work later either: malloc trims go on alone
      log.warn('heap collection after bursts is off', { error: (err as Error).message });
    }
  }

  private takeWorkedMs(): number {
    const now = this.busyMs();
    const worked = now - this.lastBusyMs;
    this.lastBusyMs = now;
    return worked;
  }
}
