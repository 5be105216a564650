// Network counters of a pod: /proc/<pid>/net/dev as seen from a process inside the pod's
// network namespace (its infra process).
import { promises as fs } from 'node:fs';
import { NotFoundError } from '../errors';

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
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
    out.push({
      name: line.slice(0, colon).trim(),
      ...{ rxBytes: f[0], rxPackets: f[1], rxErrors: f[2], rxDropped: f[3] },
      ...{ txBytes: f[8], txPackets: f[9], txErrors: f[10], txDropped: f[11] },
    });
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
