// Builds the cgroup manager for this host: the v2 driver on a pure v2 host, the v1 driver on v1
// and hybrid hosts (hybrid's unified tree carries no resource controllers corral uses).
import type { CgroupManager } from './contract';
import { detectHost, type HostCgroups } from './host';
import { V1CgroupManager, type V1Options } from './v1/manager';
import { V2CgroupManager, type V2Options } from './v2/manager';

export interface CgroupManagerOptions {
  v1?: V1Options;
  v2?: V2Options;
  /** The layout to drive; detected from /proc/self once when omitted. */
  host?: HostCgroups;
}

export function createCgroupManager(options: CgroupManagerOptions = {}): CgroupManager {
  const host = options.host ?? detectHost();
  return host.mode === 'v2' ? new V2CgroupManager(host, options.v2) : new V1CgroupManager(host, options.v1);
}
