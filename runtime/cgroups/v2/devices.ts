// v2 devices. cgroup v2 has no devices files: access is decided by an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. Until corral loads one, rules given here
// are recorded at debug level and not enforced; the container still gets only the device nodes
// its /dev holds, and mknod needs CAP_MKNOD, which the default capability set drops.
import { moduleLogger } from '../../log';
import type { DeviceRule } from '../resources';

const log = moduleLogger('cgroups-v2');

export async function applyDevicesV2(dir: string, rules: DeviceRule[]): Promise<void> {
  log.debug('device rules are not enforced on cgroup v2 yet', { dir, rules: rules.length });
}
