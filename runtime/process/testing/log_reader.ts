// Test-only: parsing CRI log files and waiting for content to appear.
import { promises as fs } from 'node:fs';

export interface LogRecord {
  time: string;
  stream: string;
  tag: string;
  text: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([PF]) (.*)$/s;

export async function readLog(file: string): Promise<LogRecord[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = LINE.exec(line);
      if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line.slice(0, 80))}`);
      return { time: m[1], stream: m[2], tag: m[3], text: m[4] };
    });
}

/** Joins P records with the following F record, like kubelet does. */
export function logLines(records: LogRecord[], stream = 'stdout'): string[] {
  const lines: string[] = [];
  let partial = '';
  for (const r of records.filter((rec) => rec.stream === stream)) {
    partial += r.text;
    if (r.tag === 'F') {
      lines.push(partial);
      partial = '';
    }
  }
  return lines;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
