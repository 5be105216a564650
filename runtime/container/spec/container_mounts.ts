// The container's mounts: the pod's generated /etc files and shared /dev/shm, then the CRI
// mounts, ordered by depth so a parent is mounted before what lies under it (as containerd does).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { MountSpec } from '../../process/contract';
import type { MountRequest } from '../container_config';

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
): MountSpec {
  return { source, destination, type: 'bind', options: [], readonly, recursiveReadonly, propagation };
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
): Promise<MountSpec[]> {
  requests.forEach(checkRequest);
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
      ),
    );
  }
  // Array.prototype.sort is stable: equal depths keep the order they were given in.
  return [...defaults, ...criMounts].sort((a, b) => depth(a.destination) - depth(b.destination));
}
