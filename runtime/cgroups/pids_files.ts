// pids.max and pids.current read the same on v1 and v2; both drivers' pids files use these.
import path from 'node:path';
import { readNumber, writeValue } from './fs_util';
import type { CgroupResources } from './resources';

export async function writePidsLimit(dir: string, r: CgroupResources): Promise<void> {
  if (r.pidsLimit === undefined) return;
  await writeValue(path.join(dir, 'pids.max'), r.pidsLimit > 0 ? String(r.pidsLimit) : 'max', 'pids_limit');
}

export async function readPidsStats(dir: string): Promise<{ current: number; limit?: number }> {
  return {
    current: (await readNumber(path.join(dir, 'pids.current'))) ?? 0,
    limit: await readNumber(path.join(dir, 'pids.max')),
  };
}
