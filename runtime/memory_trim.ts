// glibc keeps what the thread pool frees (layer inflation, hashing, file I/O run there) in
// per-thread arenas for good: after one image pull corrald held ~5 MiB more than it used. After a
// stretch with work on the event loop, the free memory goes back to the kernel (about a
// millisecond); an idle daemon is left alone.
import { performance } from 'node:perf_hooks';
import { mallocTrim } from '../native/libc';

/** How often activity is looked at. */
const PERIOD_MS = 3000;
/** Event-loop time in one period that counts as work worth trimming after. */
const BUSY_MS = 20;

export class MemoryTrimmer {
  private timer?: NodeJS.Timeout;
  private last = performance.eventLoopUtilization();

  start(): void {
    this.timer ??= setInterval(() => this.tick(), PERIOD_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = performance.eventLoopUtilization();
    const busyMs = now.active - this.last.active;
    this.last = now;
    if (busyMs >= BUSY_MS) mallocTrim();
  }
}
