// CRI timeouts are int64 seconds; Node's timers hold at most 2^31-1 ms and fire at once (after
// 1 ms) beyond it, which would turn a very long timeout into none at all.
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Seconds (≤ 0: none) → a delay setTimeout honours, capped at ~24.8 days. */
export function timerMs(seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Math.min(seconds * 1000, MAX_TIMER_MS);
}
