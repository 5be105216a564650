// Which cgroups a pod being made has, written into its directory before they are made. A
// RunPodSandbox cut short by a crash has no record yet, and the pod's cgroup path comes from
// kubelet's cgroup_parent, which only the request held: the sweep of that pod reads it here to
// remove them. A blocking write without fsync: cgroups outlive a crash of corrald, not a power
// loss, and the file is a few dozen bytes of corral's own.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const NOTE = 'cgroups.json';

export interface PodCgroups {
  cgroupPath: string;
  infraCgroupPath: string;
}

export function writePodCgroupsNote(sandboxDir: string, cgroups: PodCgroups): void {
  const { cgroupPath, infraCgroupPath } = cgroups;
  writeFileSync(path.join(sandboxDir, NOTE), JSON.stringify({ cgroupPath, infraCgroupPath }), { mode: 0o600 });
}

/** The note of a pod directory; undefined when there is none or it was cut short. */
export function readPodCgroupsNote(sandboxDir: string): PodCgroups | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(sandboxDir, NOTE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const note = JSON.parse(text) as Partial<PodCgroups>;
    const { cgroupPath, infraCgroupPath } = note;
    if (typeof cgroupPath === 'string' && typeof infraCgroupPath === 'string') return { cgroupPath, infraCgroupPath };
  } catch {
    // a crash in the middle of the write: the cgroups were not made yet
  }
  return undefined;
}
