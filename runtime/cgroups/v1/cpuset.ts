// v1 cpuset: a new cpuset cgroup starts with no CPUs and no memory nodes, so every level made
// copies its parent's before anything can join it.
import path from 'node:path';
import { readText, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V1Controller } from './controller';

export const cpusetV1: V1Controller = {
  subsystem: 'cpuset',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    if (r.cpusetCpus) await writeValue(path.join(dir, 'cpuset.cpus'), r.cpusetCpus, 'cpuset_cpus');
    if (r.cpusetMems) await writeValue(path.join(dir, 'cpuset.mems'), r.cpusetMems, 'cpuset_mems');
  },
};

/**
 * Copies cpuset.cpus and cpuset.mems from the parent into a freshly made cgroup when empty. A
 * parent another creator made a moment ago may still be empty itself: it is filled first, from
 * its own parent, so concurrent creates below a new cgroup parent never inherit an empty set.
 */
export async function inheritCpusetV1(dir: string): Promise<void> {
  await Promise.all(['cpuset.cpus', 'cpuset.mems'].map((file) => inheritValue(dir, file)));
}

async function inheritValue(dir: string, file: string): Promise<string> {
  const own = (await readText(path.join(dir, file))).trim();
  if (own !== '') return own;
  const parentDir = path.dirname(dir);
  if (parentDir === dir) return own;
  const parent = await inheritValue(parentDir, file);
  await writeValue(path.join(dir, file), parent);
  return parent;
}
