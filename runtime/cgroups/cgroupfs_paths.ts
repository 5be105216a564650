// Where the cgroupfs driver puts pods, containers and pod infras (shared by the v1 and v2 managers).
import { cgroupfsPodPath } from './cgroup_path';

export const cgroupfsPaths = {
  cgroupDriver: 'cgroupfs' as const,
  podCgroupPath: cgroupfsPodPath,
  containerCgroupPath: (podPath: string, containerId: string) => `${podPath}/${containerId}`,
  infraCgroupPath: (podPath: string) => `${podPath}/infra`,
};
