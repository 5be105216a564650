// Builds the cgroup manager for this host: the v2 layout on a pure v2 host, the v1 layout on v1
// and hybrid hosts (hybrid's unified tree carries no resource controllers corral uses), driven
// by corral itself (cgroupfs) or through systemd's transient units (systemd).
import type { CgroupDriverName, CgroupManager } from './contract';
import { detectHost, type HostCgroups } from './host';
import { SystemdCgroupManager } from './systemd/manager';
import { V1CgroupManager, type V1Options } from './v1/manager';
import { V2CgroupManager, type V2Options } from './v2/manager';

export interface CgroupManagerOptions {
  v1?: V1Options;
  v2?: V2Options;
  /** The layout to drive; detected from /proc/self once when omitted. */
  host?: HostCgroups;
  /** Who owns the tree (default cgroupfs). */
  driver?: CgroupDriverName;
}

export function createCgroupManager(options: CgroupManagerOptions = {}): CgroupManager {
  const host = options.host ?? detectHost();
  const layout = host.mode === 'v2' ? new V2CgroupManager(host, options.v2) : new V1CgroupManager(host, options.v1);
  return options.driver === 'systemd' ? new SystemdCgroupManager(layout) : layout;
}
