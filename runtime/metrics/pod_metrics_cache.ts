// Pod metrics served from a snapshot, as CRI-O does with its collection period: the first request
// reads everything, later ones get the latest snapshot at once while a refresh runs in the
// background, no more often than the period. Each sample carries the time it was read, so kubelet
// knows how fresh it is. Nobody asking means nothing is read: collection never competes with
// create and start on an idle node. `prepare` turns a collection into what requests are answered
// with (the server encodes it once there, instead of once per request).
import type { PodMetrics } from './metric_types';

export interface PodMetricsSource {
  collect(): Promise<PodMetrics[]>;
}

export class PodMetricsCache<T = PodMetrics[]> {
  private latest?: { takenAtMs: number; prepared: T };
  private refreshing?: Promise<T>;

  /** @param periodMs how old a snapshot may get before a request triggers a refresh (0: always read live). */
  constructor(
    private readonly source: PodMetricsSource,
    private readonly periodMs: number,
    private readonly prepare: (pods: PodMetrics[]) => T = (pods) => pods as T,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<T> {
    if (!this.latest) return this.refresh();
    if (this.now() - this.latest.takenAtMs >= this.periodMs) {
      if (this.periodMs === 0) return this.refresh();
      this.refresh().catch(() => undefined); // the next request retries; this one has a snapshot
    }
    return this.latest.prepared;
  }

  private refresh(): Promise<T> {
    this.refreshing ??= this.source
      .collect()
      .then((pods) => {
        const prepared = this.prepare(pods);
        this.latest = { takenAtMs: this.now(), prepared };
        return prepared;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
