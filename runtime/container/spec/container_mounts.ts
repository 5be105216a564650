// The container's mounts: the pod's generated /etc files and shared /dev/shm, then the CRI
// mounts, ordered by depth so a parent is mounted before what lies under it (as containerd does).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { MountSpec } from '../../process/contract';
import type { MountRequest } from '../container_config';
import type { IdMappingRequest, UserNamespaceRequest } from '../../security/user_namespace';

/** Host files and directories one pod shares with its containers. */
export interface PodMountSources {
  hosts: string;
  hostname: string;
  resolvConf: string;
  shm: string;
}

function checkRequest(mount: MountRequest): void {
  if (!path.isAbsolute(mount.containerPath)) {
    throw new InvalidArgumentError(
      `mount container_path ${JSON.stringify(mount.containerPath)} must be an absolute path`,
    );
  }
  if (!path.isAbsolute(mount.hostPath)) {
    throw new InvalidArgumentError(`mount host_path ${JSON.stringify(mount.hostPath)} must be an absolute path`);
  }
  if (path.normalize(mount.containerPath) === '/') {
    throw new InvalidArgumentError("a mount over the container's root directory is not allowed");
  }
  // containerd's rule (critest checks it): recursive read-only only for read-only, private mounts.
  if (mount.recursiveReadOnly && (!mount.readonly || mount.propagation !== 'private')) {
    throw new InvalidArgumentError(
      `mount ${JSON.stringify(mount.containerPath)}: recursive_read_only needs readonly and PROPAGATION_PRIVATE`,
    );
  }
}

const mapText = (list: IdMappingRequest[] | undefined) =>
  JSON.stringify((list ?? []).map((m) => [m.containerId, m.hostId, m.length]));

/**
 * An idmapped volume is seen through the pod's own user namespace, so its mappings must be
 * exactly the pod's (kubelet sends the pod's); anything else is refused.
 */
export function checkIdMappings(mount: MountRequest, podUserns: UserNamespaceRequest | null): void {
  if (!mount.idMappings) return;
  const where = `mount ${JSON.stringify(mount.containerPath)}`;
  if (!podUserns || podUserns.mode !== 'POD')
    throw new InvalidArgumentError(`${where} has uid/gid mappings but the pod has no user namespace of its own`);
  if (
    mapText(mount.idMappings.uids) !== mapText(podUserns.uids) ||
    mapText(mount.idMappings.gids) !== mapText(podUserns.gids)
  )
    throw new InvalidArgumentError(`${where}: its uid/gid mappings differ from the pod's user namespace`);
}

/** kubelet expects a missing host path to be created as a directory. */
async function ensureHostPath(hostPath: string): Promise<void> {
  try {
    await fs.lstat(hostPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fs.mkdir(hostPath, { recursive: true, mode: 0o755 });
  }
}

function bind(
  source: string,
  destination: string,
  readonly: boolean,
  propagation: MountSpec['propagation'] = 'private',
  recursiveReadonly = false,
  idmap = false,
): MountSpec {
  return {
    source,
    destination,
    type: 'bind',
    options: [],
    readonly,
    recursiveReadonly,
    propagation,
    ...(idmap ? { idmap } : {}),
  };
}

function depth(destination: string): number {
  return path
    .normalize(destination)
    .split('/')
    .filter((c) => c !== '').length;
}

export async function containerMounts(
  requests: MountRequest[],
  pod: PodMountSources,
  readonlyRootfs: boolean,
  podUserns: UserNamespaceRequest | null = null,
): Promise<MountSpec[]> {
  requests.forEach(checkRequest);
  for (const request of requests) checkIdMappings(request, podUserns);
  const requested = new Set(requests.map((m) => path.normalize(m.containerPath)));
  const defaults = [
    bind(pod.hosts, '/etc/hosts', readonlyRootfs),
    bind(pod.hostname, '/etc/hostname', readonlyRootfs),
    bind(pod.resolvConf, '/etc/resolv.conf', readonlyRootfs),
    bind(pod.shm, '/dev/shm', false),
  ].filter((m) => !requested.has(m.destination));
  const criMounts: MountSpec[] = [];
  for (const mount of requests) {
    await ensureHostPath(mount.hostPath);
    criMounts.push(
      bind(
        mount.hostPath,
        path.normalize(mount.containerPath),
        mount.readonly || mount.recursiveReadOnly,
        mount.propagation,
        mount.recursiveReadOnly,
        mount.idMappings !== undefined,
      ),
    );
  }
  // Array.prototype.sort is stable: equal depths keep the order they were given in.
  return [...defaults, ...criMounts].sort((a, b) => depth(a.destination) - depth(b.destination));
}
