// OOM kills seen while a scope lives. systemd removes a scope's cgroup as soon as it empties, so
// the v2 memory.events counter may be gone by the time corrald records the exit: each scope's
// counter is watched (inotify on memory.events) and its last value kept until the container goes.
// On v1 there is nothing to watch (memory.oom_control only speaks eventfd); the live read stays.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { CgroupHandle } from '../contract';

const BURST_INTERVAL_MS = 2;
const BURST_READS = 30;

export class OomTracker {
  private readonly counts = new Map<string, number>();
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly layout: 'v1' | 'v2') {}

  /** Starts watching the scope at `cgroupPath` (idempotent; a cgroup already gone is skipped). */
  watch(cgroupPath: string, handle: CgroupHandle): void {
    if (this.layout !== 'v2' || this.watchers.has(cgroupPath)) return;
    const eventsFile = path.join(path.dirname(handle.procsFiles()[0]), 'memory.events');
    // Read at once, in the callback: systemd may remove the cgroup a few milliseconds later.
    // (A small kernfs file: the read never blocks.) The kernel sends at most one notification
    // per file every 20 ms, so the "max"/"oom" events that come first may hold back the one
    // for oom_kill until the cgroup is gone: each notification starts a short burst of reads.
    const read = () => {
      const n = readOomKill(eventsFile);
      if (n !== undefined) this.counts.set(cgroupPath, Math.max(n, this.counts.get(cgroupPath) ?? 0));
    };
    let burst: NodeJS.Timeout | undefined;
    const refresh = () => {
      read();
      if (burst) return;
      let left = BURST_READS;
      burst = setInterval(() => {
        read();
        if (--left === 0) {
          clearInterval(burst);
          burst = undefined;
        }
      }, BURST_INTERVAL_MS);
      burst.unref();
    };
    try {
      const watcher = watch(eventsFile, { persistent: false }, refresh);
      watcher.on('error', () => this.stopWatching(cgroupPath));
      this.watchers.set(cgroupPath, watcher);
      refresh();
    } catch {
      // the scope is gone already: its count, if any, was kept
    }
  }

  count(cgroupPath: string): number {
    return this.counts.get(cgroupPath) ?? 0;
  }

  forget(cgroupPath: string): void {
    this.stopWatching(cgroupPath);
    this.counts.delete(cgroupPath);
  }

  private stopWatching(cgroupPath: string): void {
    this.watchers.get(cgroupPath)?.close();
    this.watchers.delete(cgroupPath);
  }
}

function readOomKill(eventsFile: string): number | undefined {
  try {
    const match = /^oom_kill (\d+)$/m.exec(readFileSync(eventsFile, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return undefined;
  }
}
