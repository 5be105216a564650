// corrald's cgroup settings turned into the manager and the defaults containers get.
import type { CgroupDriverName, CgroupManager } from './contract';
import { createCgroupManager } from './manager';

export interface CgroupSettings {
  cgroup_driver: CgroupDriverName;
  cgroups: { default_pids_limit: number; v1_nest_under_own: string[] };
}

export function cgroupManagerFromConfig(config: CgroupSettings): CgroupManager {
  // Under systemd the tree is systemd's: nothing nests under corrald's own service cgroup.
  const nestUnder = config.cgroup_driver === 'systemd' ? [] : config.cgroups.v1_nest_under_own;
  return createCgroupManager({ driver: config.cgroup_driver, v1: { nestUnder } });
}

/** pids.max for a container that sets none itself; undefined leaves the kernel's "max". */
export function defaultPidsLimit(config: CgroupSettings): number | undefined {
  const limit = config.cgroups.default_pids_limit;
  return limit > 0 ? limit : undefined;
}
