// v1 hugetlb: one limit_in_bytes file per huge page size.
import path from 'node:path';
import { writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V1Controller } from './controller';

export const hugetlbV1: V1Controller = {
  subsystem: 'hugetlb',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    for (const limit of r.hugepageLimits ?? []) {
      await writeValue(
        path.join(dir, `hugetlb.${limit.pageSize}.limit_in_bytes`),
        String(limit.limitBytes),
        'hugepage_limits',
      );
    }
  },
};
