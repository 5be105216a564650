// What a burst of work (pods made or removed, an image pulled) leaves behind stays resident while
// corrald idles: V8 starts no full collection while nothing allocates, so the burst's garbage and
// the heap pages it filled stay committed (~30 MiB after 500 pods made and removed), and glibc
// keeps what the thread pool freed in its arenas. Once a burst has gone quiet, if it was long or
// left corrald larger, V8 is asked for its memory-pressure collection (compacts the heap, gives
// back the emptied pages; tens of milliseconds on the event loop, once per burst), then malloc's
// free memory goes back to the kernel. While work goes on, only malloc is trimmed, every few
// seconds (about a millisecond). An idle daemon is left alone.
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
/** Quiet periods after a burst before deciding on a collection. */
const QUIET_PERIODS = 2;
/** Work since the last collection that makes one worth its pause (keeps its cost to a few percent). */
const COLLECT_AFTER_WORK_MS = 500;
/** Growth of the resident set since the last collection that makes one worth it after less work (an image pull). */
const COLLECT_AFTER_GROWTH_BYTES = 8 * 1024 * 1024;

export interface ReclaimSteps {
  trimMalloc(): void;
  /** A full, compacting collection that gives the emptied heap pages back. */
  collectHeap(): Promise<void>;
}

export interface ProcessProbes {
  /** Event-loop time spent working since the loop started, in ms. */
  busyMs(): number;
  residentBytes(): number;
}

const processSteps: ReclaimSteps = { trimMalloc: mallocTrim, collectHeap: collectUnderMemoryPressure };
const processProbes: ProcessProbes = {
  busyMs: () => performance.eventLoopUtilization().active,
  residentBytes: () => process.memoryUsage.rss(),
};

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export class MemoryTrimmer {
  private timer?: NodeJS.Timeout;
  private lastBusyMs: number;
  /** Work since the last collection. */
  private owedMs = 0;
  /** The resident set right after the last collection (or at the start). */
  private residentAfterCollection: number;
  private busyPeriods = 0;
  private quietPeriods = 0;
  private collecting = false;
  private heapCollectionFailed = false;

  constructor(
    private readonly steps: ReclaimSteps = processSteps,
    private readonly probes: ProcessProbes = processProbes,
  ) {
    this.lastBusyMs = probes.busyMs();
    this.residentAfterCollection = probes.residentBytes();
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
    // Decided once per quiet stretch after some work; an idle daemon is not even looked at.
    if (this.owedMs === 0 || ++this.quietPeriods !== QUIET_PERIODS || !this.worthCollecting()) return;
    this.collecting = true;
    const before = { residentBytes: this.probes.residentBytes(), at: performance.now() };
    try {
      await this.collectHeap();
      this.steps.trimMalloc(); // after the collection: it freed the heap's external buffers
    } finally {
      this.residentAfterCollection = this.probes.residentBytes();
      log.debug('memory given back after a burst', {
        workMs: Math.round(this.owedMs),
        residentMiBBefore: mib(before.residentBytes),
        residentMiBAfter: mib(this.residentAfterCollection),
        pauseMs: Math.round(performance.now() - before.at),
      });
      this.owedMs = 0;
      this.busyPeriods = 0;
      this.takeWorkedMs(); // the collection's own time is not work to collect after
      this.collecting = false;
    }
  }

  private worthCollecting(): boolean {
    return (
      this.owedMs >= COLLECT_AFTER_WORK_MS ||
      this.probes.residentBytes() >= this.residentAfterCollection + COLLECT_AFTER_GROWTH_BYTES
    );
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
    const now = this.probes.busyMs();
    const worked = now - this.lastBusyMs;
    this.lastBusyMs = now;
    return worked;
  }
}
