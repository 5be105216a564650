// Is the process a ProcessRef names still the same process? A pid alone is never trusted: the
// start time (field 22 of /proc/<pid>/stat) must match too, so a reused pid is not mistaken.
import { readFileSync } from 'node:fs';
import type { ProcessRef } from './process/contract';

export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    // One blocking read: procfs answers from memory (see process/proc_stat.ts).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export async function isSameProcessAlive(ref: ProcessRef): Promise<boolean> {
  if (ref.pid <= 1) return false;
  return (await processStartTime(ref.pid)) === ref.startTime;
}
