// The Stream* list RPCs send what their List twin returns, once, in pages, so a large node never
// makes one huge message; the stream then ends.
export const STREAM_PAGE = 500;

export function sendInPages<T>(items: T[], send: (page: T[]) => void, signal: AbortSignal): void {
  for (let i = 0; i < items.length && !signal.aborted; i += STREAM_PAGE) send(items.slice(i, i + STREAM_PAGE));
}
