// v1 cpuacct: cumulative CPU time of the cgroup's processes.
import path from 'node:path';
import { readOptional } from '../fs_util';

export async function cpuUsageNsV1(dir: string): Promise<bigint> {
  const text = (await readOptional(path.join(dir, 'cpuacct.usage')))?.trim();
  return text ? BigInt(text) : 0n;
}

/** User and kernel time (ns) from cpuacct.usage_user / usage_sys (kernels >= 4.7); 0 without them. */
export async function cpuModesNsV1(dir: string): Promise<{ userNs: bigint; systemNs: bigint }> {
  const read = async (file: string) => BigInt((await readOptional(path.join(dir, file)))?.trim() || '0');
  return { userNs: await read('cpuacct.usage_user'), systemNs: await read('cpuacct.usage_sys') };
}
