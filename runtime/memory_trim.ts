// What a burst of work (pods made or removed, an image pulled) leaves behind stays resident while
// corrald idles: V8 starts no full collection while nothing allocates, so the burst's garbage and
// the heap pages it filled stay committed (~30 MiB after 500 pods made and removed), and glibc
// keeps what the thread pool freed in its arenas. Once a burst has gone quiet, if it was long or
// left corrald larger, V8 is asked for its memory-pressure collection (compacts the heap, gives
// back the emptied pages; tens of milliseconds on the event loop, once per burst), then malloc's
// free memory goes back to the kernel. While work goes on, only malloc is trimmed, every few
// seconds (about a millisecond). Start-up (the daemon's code loaded, its state recovered) is a
// burst too: its garbage is given back at the first quiet moment after ready, so that corrald
// idles at its settled size within a second instead of when V8's memory reducer comes (~8 s).
// Otherwise an idle daemon is left alone.
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
/** Right after start-up the loop is looked at this often, until one such period is quiet. */
const START_UP_PERIOD_MS = 100;
/** Event-loop time in one start-up period under which it counts as quiet. */
const START_UP_QUIET_MS = 10;
/** Start-up periods waited for a quiet one; busier than that, start-up is left to the burst rule. */
const START_UP_MAX_PERIODS = 20;
/**
 * Collections in a row after start-up: the second gives back about 2 MiB more that the first
 * leaves committed (64.4 → 60.7 MiB with one, 58.7 with two; V8's memory reducer, ~8 s later,
 * reaches the same 58.7).
 */
const START_UP_COLLECTIONS = 2;

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
  private startUpPeriods = 0;
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

  /**
   * Call once the daemon is ready: start-up's garbage is collected at the first quiet start-up
   * period (startUpTick), then the loop is looked at every PERIOD_MS (tick).
   */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.startUpTick().then((settled) => {
        if (!settled || !this.timer) return;
        clearInterval(this.timer);
        this.timer = setInterval(() => void this.tick(), PERIOD_MS).unref();
      });
    }, START_UP_PERIOD_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One start-up period's look at the event loop (start() calls it every START_UP_PERIOD_MS until
   * it resolves true): the first quiet one collects start-up's garbage; after too many busy ones,
   * start-up is owed as a burst and collected once the work goes quiet (tick).
   */
  async startUpTick(): Promise<boolean> {
    if (this.collecting) return false;
    const workedMs = this.takeWorkedMs();
    if (workedMs >= START_UP_QUIET_MS) {
      if (++this.startUpPeriods < START_UP_MAX_PERIODS) return false;
      this.owedMs = Math.max(this.owedMs, COLLECT_AFTER_WORK_MS);
      return true;
    }
    await this.reclaim(START_UP_COLLECTIONS, 'memory given back after start-up');
    return true;
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
    await this.reclaim(1, 'memory given back after a burst');
  }

  /** `collections` heap collections in a row, then a malloc trim; what was owed is paid. */
  private async reclaim(collections: number, message: string): Promise<void> {
    this.collecting = true;
    const before = { residentBytes: this.probes.residentBytes(), at: performance.now() };
    try {
      for (let i = 0; i < collections; i++) await this.collectHeap();
      this.steps.trimMalloc(); // after the collection: it freed the heap's external buffers
    } finally {
      this.residentAfterCollection = this.probes.residentBytes();
      log.debug(message, {
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
