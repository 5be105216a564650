// v1 cpuacct: cumulative CPU time of the cgroup's processes.
import path from 'node:path';
import { readOptional } from '../fs_util';

export async function cpuUsageNsV1(dir: string): Promise<bigint> {
  const text = (await readOptional(path.join(dir, 'cpuacct.usage')))?.trim();
  return text ? BigInt(text) : 0n;
}
