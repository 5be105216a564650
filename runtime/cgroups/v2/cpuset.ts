// v2 cpuset: an empty cpuset.cpus/mems means "inherit the parent's effective set", so nothing is
// copied on creation (unlike v1).
import path from 'node:path';
import { writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V2Controller } from './controller';

export const cpusetV2: V2Controller = {
  name: 'cpuset',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    if (r.cpusetCpus) await writeValue(path.join(dir, 'cpuset.cpus'), r.cpusetCpus, 'cpuset_cpus');
    if (r.cpusetMems) await writeValue(path.join(dir, 'cpuset.mems'), r.cpusetMems, 'cpuset_mems');
  },
};
