// What each pull in flight has fetched so far, per layer: read by corralctl pull's progress
// display (corral's PullProgress RPC). One tracker per pull, dropped when the pull ends; layers
// come from the manifest, so their count is already capped by manifest parsing.

export interface LayerProgress {
  digest: string;
  size: number;
  fetched: number;
}

export interface PullSnapshot {
  reference: string;
  /** Unix milliseconds. */
  startedAt: number;
  layers: LayerProgress[];
}

export class PullTracker {
  private readonly layers = new Map<string, LayerProgress>();
  private readonly startedAt = Date.now();

  constructor(readonly reference: string) {}

  /** The manifest's layers, in order, none fetched yet. */
  plan(layers: { digest: string; size: number }[]): void {
    for (const l of layers) this.layers.set(l.digest, { digest: l.digest, size: l.size, fetched: 0 });
  }

  add(digest: string, bytes: number): void {
    const layer = this.layers.get(digest);
    if (layer) layer.fetched = Math.min(layer.size, layer.fetched + bytes);
  }

  /** The layer is in the content store (fetched now, or present before the pull). */
  complete(digest: string): void {
    const layer = this.layers.get(digest);
    if (layer) layer.fetched = layer.size;
  }

  snapshot(): PullSnapshot {
    return {
      reference: this.reference,
      startedAt: this.startedAt,
      layers: [...this.layers.values()].map((l) => ({ ...l })),
    };
  }
}
