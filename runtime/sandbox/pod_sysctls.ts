// Pod sysctls apply inside the pod's own namespaces only: with the host's network or IPC
// namespace they would change the node, so those are left out.
import type { PodConfig } from './pod_config';

function isNetworkSysctl(key: string): boolean {
  return key.startsWith('net.');
}

function isIpcSysctl(key: string): boolean {
  return key.startsWith('kernel.shm') || key.startsWith('kernel.msg') || key === 'kernel.sem' || key.startsWith('fs.mqueue.');
}

export function podSysctls(config: PodConfig): Record<string, string> {
  const hostNet = config.namespaces.network === 'NODE';
  const hostIpc = config.namespaces.ipc === 'NODE';
  return Object.fromEntries(Object.entries(config.sysctls).filter(([key]) =>
    !(hostNet && isNetworkSysctl(key)) && !(hostIpc && isIpcSysctl(key))));
}
