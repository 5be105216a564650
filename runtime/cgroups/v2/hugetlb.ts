// v2 hugetlb: hugetlb.<size>.max per huge page size.
import path from 'node:path';
import { writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V2Controller } from './controller';

export const hugetlbV2: V2Controller = {
  name: 'hugetlb',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    for (const limit of r.hugepageLimits ?? []) {
      await writeValue(path.join(dir, `hugetlb.${limit.pageSize}.max`), String(limit.limitBytes), 'hugepage_limits');
    }
  },
};
