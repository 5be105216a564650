// Terminal size messages: JSON objects {"Width":w,"Height":h}, sent back to back on the resize
// stream (SPDY: one stream, concatenated objects; WebSocket: one object per message).
import type { TerminalSize } from '../../runtime/streaming/contract';

/** Longest run of text without a complete object before the peer is considered broken. */
const MAX_PENDING = 4096;

export function parseTerminalSize(text: string): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { Width: width, Height: height } = value as Record<string, unknown>;
  if (!isDimension(width) || !isDimension(height)) return undefined;
  return { width, height };
}

function isDimension(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
}

/** Splits a byte stream of concatenated JSON objects (no nesting in these messages). */
export class ResizeDecoder {
  private pending = '';

  /** Sizes completed by `chunk`; throws on garbage so the caller can end the stream. */
  push(chunk: Buffer): TerminalSize[] {
    this.pending += chunk.toString('utf8');
    const sizes: TerminalSize[] = [];
    for (;;) {
      this.pending = this.pending.trimStart();
      if (this.pending.length === 0) break;
      if (this.pending[0] !== '{') throw new Error('resize stream: expected a JSON object');
      const end = this.pending.indexOf('}');
      if (end < 0) break;
      const size = parseTerminalSize(this.pending.slice(0, end + 1));
      if (!size) throw new Error('resize stream: malformed size message');
      sizes.push(size);
      this.pending = this.pending.slice(end + 1);
    }
    if (this.pending.length > MAX_PENDING) throw new Error('resize stream: message too long');
    return sizes;
  }
}
