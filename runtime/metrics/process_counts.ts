// Processes, threads and open files of a cgroup's processes, read from /proc (the kernel's view,
// nothing the image controls). A process that exits while it is counted is left out.
import { promises as fs } from 'node:fs';
import type { ProcessCounts } from './object_values';

export async function processCounts(pids: number[]): Promise<ProcessCounts> {
  const perProcess = await Promise.all(pids.map(countsOf));
  const alive = perProcess.filter((c): c is { threads: number; fds: number } => c !== undefined);
  return {
    processes: alive.length,
    threads: alive.reduce((sum, c) => sum + c.threads, 0),
    fileDescriptors: alive.reduce((sum, c) => sum + c.fds, 0),
  };
}

async function countsOf(pid: number): Promise<{ threads: number; fds: number } | undefined> {
  try {
    const [tasks, fds] = await Promise.all([fs.readdir(`/proc/${pid}/task`), fs.readdir(`/proc/${pid}/fd`)]);
    return { threads: tasks.length, fds: fds.length };
  } catch {
    return undefined;
  }
}
