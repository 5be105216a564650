// Timestamps as the CRI wants them: nanoseconds since the epoch, as decimal strings.
import { InvalidArgumentError } from './errors';

/** Date.now() has millisecond precision; the sub-millisecond part comes from the monotonic clock. */
export function nowNs(): string {
  const subMs = process.hrtime.bigint() % 1_000_000n;
  return (BigInt(Date.now()) * 1_000_000n + subMs).toString();
}

/** "2026-11-26T20:17:36.123456789Z" (or with an offset) → nanoseconds since the epoch. */
export function rfc3339ToNs(text: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(ms)) throw new InvalidArgumentError(`not an RFC 3339 time: ${JSON.stringify(text)}`);
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return (BigInt(ms) * 1_000_000n + fraction).toString();
}

/** Nanoseconds since the epoch → RFC 3339 with nanoseconds, UTC. */
export function nsToRfc3339(ns: string): string {
  const value = BigInt(ns);
  const seconds = value / 1_000_000_000n;
  const fraction = (value % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}
