// Process start times (field 22 of /proc/<pid>/stat): with the pid, they name a process for good.
import { readFileSync } from 'node:fs';
import type { ProcessRef } from './contract';

interface Stat {
  state: string;
  startTime: string;
}

/** One blocking read: procfs answers from memory, and a promise read is four thread-pool round trips. */
function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and ')': fields are counted from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19] }; // fields 3 and 22 overall
}

/** The start time of pid in clock ticks since boot, or undefined when there is no such process. */
export async function readStartTime(pid: number): Promise<string | undefined> {
  return readStat(pid)?.startTime;
}

export async function processRef(pid: number): Promise<ProcessRef | undefined> {
  const startTime = await readStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** True while the process named by ref (pid and start time) still runs; a zombie counts as gone. */
export async function isAlive(ref: ProcessRef): Promise<boolean> {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.startTime === ref.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * True when the process named by ref has exited but a tracer holds its zombie: its parent cannot
 * collect it until the tracer does, or exits. The status is read before the stat that names the
 * process, so a pid reused in between is caught by its start time.
 */
export function isZombieHeldByTracer(ref: ProcessRef): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${ref.pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const tracer = /^TracerPid:\s*(\d+)$/m.exec(status)?.[1];
  const stat = readStat(ref.pid);
  return tracer !== undefined && tracer !== '0' && stat?.startTime === ref.startTime && stat.state === 'Z';
}
