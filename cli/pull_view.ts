// What corralctl shows of a pull in flight, one entry per layer: on a terminal a block of lines
// redrawn in place (bytes, total and rate); otherwise plain lines, one per layer when it is done
// and one every few seconds while it is fetched, fit for logs.
import { humanSize } from './image_format';

export interface LayerReading {
  digest: string;
  size: number;
  fetched: number;
}

interface Layer extends LayerReading {
  /** When fetching began: the poll before the first that saw bytes. */
  since?: number;
  /** Recent readings, for the rate. */
  samples: { at: number; fetched: number }[];
  doneAt?: number;
  printedAt?: number;
}

const RATE_WINDOW_MS = 2000;
const PLAIN_EVERY_MS = 3000;

export class PullView {
  private readonly layers = new Map<string, Layer>();
  private drawn = 0;
  private lastPoll: number;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly terminal: boolean,
    now = Date.now(),
  ) {
    this.lastPoll = now;
  }

  update(readings: LayerReading[], now = Date.now()): void {
    for (const r of readings) this.observe(r, now);
    this.lastPoll = now;
    this.render(now);
  }

  /** The pull succeeded: every layer seen is complete. */
  finish(now = Date.now()): void {
    for (const layer of this.layers.values()) this.observe({ ...layer, fetched: layer.size }, now);
    this.render(now);
  }

  private observe(r: LayerReading, now: number): void {
    let layer = this.layers.get(r.digest);
    if (!layer) {
      layer = { digest: r.digest, size: r.size, fetched: 0, samples: [] };
      this.layers.set(r.digest, layer);
    }
    if (r.fetched > 0 && layer.since === undefined) layer.since = this.lastPoll;
    layer.fetched = r.fetched;
    if (r.fetched >= r.size && layer.doneAt === undefined) layer.doneAt = now;
    layer.samples.push({ at: now, fetched: r.fetched });
    while (layer.samples.length > 2 && now - layer.samples[1].at >= RATE_WINDOW_MS) layer.samples.shift();
  }

  private render(now: number): void {
    if (this.terminal) return this.redraw();
    for (const layer of this.layers.values()) {
      if (layer.printedAt === Infinity || layer.fetched === 0) continue;
      const done = layer.doneAt !== undefined;
      if (!done && layer.printedAt !== undefined && now - layer.printedAt < PLAIN_EVERY_MS) continue;
      this.out.write(`${lineOf(layer)}\n`);
      layer.printedAt = done ? Infinity : now;
    }
  }

  private redraw(): void {
    const lines = [...this.layers.values()].map(lineOf);
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const line of lines) text += `\r${line}\x1b[K\n`;
    this.drawn = lines.length;
    if (text) this.out.write(text);
  }
}

/** "0123456789ab  1.50MB / 4.19MB  2.52MB/s", "0123456789ab  done  4.19MB  2.52MB/s". */
function lineOf(layer: Layer): string {
  const id = layer.digest.replace(/^sha256:/, '').slice(0, 12);
  const rate = rateOf(layer);
  const rateText = rate === undefined ? '' : `  ${humanSize(rate)}/s`;
  if (layer.doneAt !== undefined) return `${id}  done  ${humanSize(layer.size)}${rateText}`;
  if (layer.fetched === 0) return `${id}  waiting  ${humanSize(layer.size)}`;
  return `${id}  ${humanSize(layer.fetched)} / ${humanSize(layer.size)}${rateText}`;
}

/** Bytes per second: over the recent window while fetching (from its start after one reading),
 *  over the whole fetch once done. */
function rateOf(layer: Layer): number | undefined {
  if (layer.doneAt !== undefined) {
    const seconds = (layer.doneAt - (layer.since ?? layer.doneAt)) / 1000;
    return seconds > 0 ? layer.size / seconds : undefined;
  }
  const first = layer.samples[0];
  const last = layer.samples[layer.samples.length - 1];
  const seconds = (last.at - first.at) / 1000;
  if (seconds > 0) return (last.fetched - first.fetched) / seconds;
  // One reading so far: since the poll before it, when the layer had not started.
  const sinceStart = (last.at - (layer.since ?? last.at)) / 1000;
  return sinceStart > 0 ? last.fetched / sinceStart : undefined;
}
