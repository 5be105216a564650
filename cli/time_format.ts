// CRI timestamps (ns since the epoch) for people: "5 seconds ago", as crictl shows them.
export function ago(ns: string | undefined, now = Date.now()): string {
  const ms = Number(BigInt(ns ?? '0') / 1_000_000n);
  if (ms <= 0) return '';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  const units: Array<[number, string]> = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${name}${count === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** Nanoseconds since the epoch (a decimal string) as an ISO 8601 UTC time with milliseconds. */
export function nsToIso(ns: string): string {
  return new Date(Number(BigInt(ns || '0') / 1_000_000n)).toISOString();
}
