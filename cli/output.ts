// Output for people (aligned tables) and for scripts (JSON).
export type OutputFormat = 'table' | 'json';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as a left-aligned table with a header, like crictl. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ');
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

/** A short ID for tables (crictl shows 13 characters). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 13);
}
