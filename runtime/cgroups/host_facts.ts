// Facts about the node that resource validation checks against: online CPUs and memory nodes,
// huge page sizes. Read once.
import { readdirSync, readFileSync } from 'node:fs';
import { parseCpuList } from './cpu_list';

export interface NodeFacts {
  cpus: Set<number>;
  mems: Set<number>;
  /** Huge page sizes in CRI/kernel cgroup spelling ("2MB", "1GB"). */
  hugepageSizes: Set<string>;
}

let cached: NodeFacts | undefined;

export function nodeFacts(): NodeFacts {
  cached ??= {
    cpus: new Set(parseCpuList(readOr('/sys/devices/system/cpu/online', '0'), 'cpus')),
    mems: new Set(parseCpuList(readOr('/sys/devices/system/node/online', '0'), 'mems')),
    hugepageSizes: new Set(
      listOr('/sys/kernel/mm/hugepages')
        .map(hugepageDirToSize)
        .filter((s): s is string => !!s),
    ),
  };
  return cached;
}

/** "hugepages-2048kB" → "2MB", "hugepages-1048576kB" → "1GB" (the names in hugetlb.<size>.*). */
export function hugepageDirToSize(dir: string): string | undefined {
  const match = /^hugepages-(\d+)kB$/.exec(dir);
  if (!match) return undefined;
  const kb = Number(match[1]);
  if (kb >= 1 << 20 && kb % (1 << 20) === 0) return `${kb >> 20}GB`;
  if (kb >= 1 << 10 && kb % (1 << 10) === 0) return `${kb >> 10}MB`;
  return `${kb}KB`;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function listOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
