// corrald's cgroup settings turned into the manager and the defaults containers get.
import type { CgroupManager } from './contract';
import { createCgroupManager } from './manager';

export interface CgroupSettings {
  cgroups: { default_pids_limit: number; v1_nest_under_own: string[] };
}

export function cgroupManagerFromConfig(config: CgroupSettings): CgroupManager {
  return createCgroupManager({ v1: { nestUnder: config.cgroups.v1_nest_under_own } });
}

/** pids.max for a container that sets none itself; undefined leaves the kernel's "max". */
export function defaultPidsLimit(config: CgroupSettings): number | undefined {
  const limit = config.cgroups.default_pids_limit;
  return limit > 0 ? limit : undefined;
}
