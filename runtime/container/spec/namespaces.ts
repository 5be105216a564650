// Which namespaces the pod's infra creates and which ones each container joins, from the CRI
// NamespaceOption. Network, IPC and UTS always follow the pod (host-network pods use the host's
// UTS too); PID may be per container, the pod's, the node's or another container's (TARGET).
import * as path from 'node:path';
import { FailedPreconditionError } from '../../errors';
import type { ContainerSpec, NamespaceKind, NamespaceSetting, PinnedPaths } from '../../process/contract';
import type { NamespaceOptions, PodConfig } from '../../sandbox/pod_config';
import { resolveUserNamespace } from '../../security/user_namespace';

export type PinnedNamespaces = PinnedPaths;

export function infraNamespaces(pod: NamespaceOptions): Record<NamespaceKind, NamespaceSetting> {
  const ownOrHost = (mode: string): NamespaceSetting => (mode === 'NODE' ? { mode: 'host' } : { mode: 'new' });
  return { net: ownOrHost(pod.network), ipc: ownOrHost(pod.ipc), uts: ownOrHost(pod.network), pid: ownOrHost(pod.pid) };
}

function join(pinned: PinnedNamespaces, kind: NamespaceKind): { mode: 'join'; path: string } {
  const path = pinned[kind];
  if (!path) throw new FailedPreconditionError(`the pod's ${kind} namespace is not pinned (was the pod stopped?)`);
  return { mode: 'join', path };
}

/** `targetPidNs` is /proc/<pid>/ns/pid of the target container's init, when pid is TARGET; its
 *  /proc is in the mount namespace beside it (/proc/<pid>/ns/mnt). */
export function containerNamespaces(
  pod: NamespaceOptions,
  container: NamespaceOptions,
  pinned: PinnedNamespaces,
  targetPidNs?: string,
): Record<NamespaceKind, NamespaceSetting> {
  const podOrHost = (mode: string, kind: NamespaceKind): NamespaceSetting =>
    mode === 'NODE' ? { mode: 'host' } : join(pinned, kind);
  return {
    net: podOrHost(pod.network, 'net'),
    ipc: podOrHost(pod.ipc, 'ipc'),
    uts: podOrHost(pod.network, 'uts'),
    pid: pidNamespace(container, pinned, targetPidNs),
  };
}

/** A pod with its own user namespace (userns_options POD): every container joins it. */
export function containerUserNamespace(pod: PodConfig, pinned: PinnedNamespaces): ContainerSpec['userNamespace'] {
  if (!pinned.user) return undefined;
  const mappings = resolveUserNamespace(pod.userNamespace);
  return { mode: 'join', path: pinned.user, ...mappings };
}

function pidNamespace(container: NamespaceOptions, pinned: PinnedNamespaces, targetPidNs?: string): NamespaceSetting {
  switch (container.pid) {
    case 'NODE':
      return { mode: 'host' };
    case 'POD':
      return pinned.proc ? { ...join(pinned, 'pid'), proc: pinned.proc } : join(pinned, 'pid');
    case 'TARGET':
      if (!targetPidNs)
        throw new FailedPreconditionError(`pid namespace target ${container.targetId} is not a running container`);
      return { mode: 'join', path: targetPidNs, procMountNs: path.join(path.dirname(targetPidNs), 'mnt') };
    case 'CONTAINER':
      return { mode: 'new' };
  }
}
