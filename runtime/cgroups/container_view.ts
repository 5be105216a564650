// What a container's /sys/fs/cgroup shows, from the host's layout (runc's choice): on v2 the
// unified hierarchy; on v1 and hybrid hosts each v1 hierarchy, named as on the host (runc leaves
// a hybrid host's unified tree out).
import type { CgroupfsView } from '../process/contract';
import type { HostCgroups } from './host';

export function containerCgroupView(host: HostCgroups): CgroupfsView {
  if (host.mode === 'v2') return { kind: 'v2' };
  return { kind: 'v1', hierarchies: host.v1Mounts.map(({ dir, data }) => ({ dir, data })) };
}
