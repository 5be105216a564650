// Raw v2 keys from CRI's `unified` map, written last so they override the mapped fields.
import path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { exists, writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';

/** Every key must name an existing file of this cgroup; checked before anything is written. */
export async function checkUnifiedV2(dir: string, r: CgroupResources): Promise<void> {
  for (const key of Object.keys(r.unified ?? {})) {
    if (!(await exists(path.join(dir, key))))
      throw new InvalidArgumentError(`unified: ${key} is not a file of this cgroup (controller not enabled?)`);
  }
}

export async function applyUnifiedV2(dir: string, r: CgroupResources): Promise<void> {
  for (const [key, value] of Object.entries(r.unified ?? {}))
    await writeValue(path.join(dir, key), value, `unified[${key}]`);
}
