// Every registry request and response body under a size and time cap: a hostile or broken
// registry (endless token or error bodies, silence after connecting, a trickle) costs a bounded
// amount of memory and time. Bodies are read as streams, never whole.
import { ResourceExhaustedError, UnavailableError } from '../../errors';

export interface HttpTimeouts {
  /** Connecting and receiving the response headers. */
  responseMs: number;
  /** A body that delivers nothing for this long fails. */
  bodyIdleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { responseMs: 30_000, bodyIdleMs: 30_000 };
export const MAX_TOKEN_BYTES = 1024 * 1024;
/** Error text kept for the message; the rest of an error body is never read. */
export const MAX_ERROR_TEXT_BYTES = 4 * 1024;

/** The most useful words of a fetch failure (undici hides the cause one level down). */
export function causeText(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** fetch() whose response headers must arrive within `timeouts.responseMs`. */
export async function fetchWithin(
  url: URL | string,
  init: RequestInit,
  timeouts: HttpTimeouts,
  what: string,
): Promise<Response> {
  const headers = new AbortController();
  const timer = setTimeout(
    () => headers.abort(new UnavailableError(`${what}: no response within ${timeouts.responseMs / 1000}s`)),
    timeouts.responseMs,
  );
  const signal = init.signal ? AbortSignal.any([init.signal, headers.signal]) : headers.signal;
  try {
    return await fetch(url, { ...init, signal });
  } catch (err) {
    if (headers.signal.aborted) throw headers.signal.reason as Error;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export interface BodyLimits {
  cap: number;
  idleMs: number;
  what: string;
  /** 'fail' (the default) rejects a body over the cap; 'truncate' keeps the first `cap` bytes. */
  overflow?: 'fail' | 'truncate';
}

/** Reads a body up to `cap` bytes; over the cap or idle too long, the rest is cancelled unread. */
export async function readBody(res: Response, limits: BodyLimits): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, limits);
      if (done) break;
      const room = limits.cap - total;
      if (value.length > room) {
        if (limits.overflow !== 'truncate')
          throw new ResourceExhaustedError(`${limits.what} is larger than ${limits.cap} bytes`);
        chunks.push(Buffer.from(value.subarray(0, room)));
        break;
      }
      chunks.push(Buffer.from(value));
      total += value.length;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}

/** Drops a body without reading it (the connection closes; a keep-alive reuse is not worth a
 *  hostile body). */
export function discardBody(res: Response): void {
  res.body?.cancel().catch(() => undefined);
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limits: BodyLimits,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError(`${limits.what}: no data for ${limits.idleMs / 1000}s`)),
      limits.idleMs,
    );
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } catch (err) {
    if (err instanceof UnavailableError || err instanceof ResourceExhaustedError) throw err;
    throw new UnavailableError(`${limits.what}: ${causeText(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
