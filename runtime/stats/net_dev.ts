// Network counters of a pod: /proc/<pid>/net/dev as seen from a process inside the pod's
// network namespace (its infra process).
import { promises as fs } from 'node:fs';
import { NotFoundError } from '../errors';

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/** Parses /proc/net/dev text (two header lines, then "name: 16 numbers"). */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out.push({ name: line.slice(0, colon).trim(), rxBytes: f[0], rxErrors: f[2], txBytes: f[8], txErrors: f[10] });
  }
  return out;
}

/** The interfaces of the network namespace `pid` lives in, loopback left out. */
export async function podInterfaces(pid: number): Promise<InterfaceCounters[]> {
  let text: string;
  try {
    text = await fs.readFile(`/proc/${pid}/net/dev`, 'utf8');
  } catch (err) {
    throw new NotFoundError(`network counters of pid ${pid}: ${(err as Error).message}`);
  }
  return parseNetDev(text).filter((i) => i.name !== 'lo');
}
