// CRI devices, and every host device of a privileged container: each host node is bound at its
// container path (runc mknods it, or binds it in a user namespace; a bind works everywhere and
// keeps the host's node) and allowed in the container's device cgroup with its permissions.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeviceRule } from '../../cgroups/resources';
import { InvalidArgumentError, NotFoundError } from '../../errors';
import type { MountSpec } from '../../process/contract';
import type { DeviceRequest } from '../container_config';

export interface ResolvedDevice {
  containerPath: string;
  hostPath: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  access: string;
}

/** Checks every request and reads each node's type and numbers; fails before anything is made. */
export async function resolveDevices(requests: DeviceRequest[]): Promise<ResolvedDevice[]> {
  return Promise.all(requests.map(resolveDevice));
}

async function resolveDevice(request: DeviceRequest): Promise<ResolvedDevice> {
  const { containerPath, hostPath } = request;
  const access = request.permissions === '' ? 'rwm' : request.permissions;
  if (!path.isAbsolute(containerPath) || path.normalize(containerPath) === '/')
    throw new InvalidArgumentError(`device container_path ${JSON.stringify(containerPath)} must be an absolute path`);
  if (!path.isAbsolute(hostPath))
    throw new InvalidArgumentError(`device host_path ${JSON.stringify(hostPath)} must be an absolute path`);
  if (!/^[rwm]{1,3}$/.test(access) || new Set(access).size !== access.length)
    throw new InvalidArgumentError(
      `device ${containerPath}: permissions ${JSON.stringify(access)} must be some of "rwm"`,
    );
  const stat = await fs.stat(hostPath, { bigint: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new NotFoundError(`device host_path ${hostPath} does not exist`);
    throw err;
  });
  if (!stat.isCharacterDevice() && !stat.isBlockDevice())
    throw new InvalidArgumentError(`device host_path ${hostPath} is not a device node`);
  return {
    containerPath: path.resolve('/', containerPath),
    hostPath,
    type: stat.isCharacterDevice() ? 'c' : 'b',
    major: devMajor(stat.rdev),
    minor: devMinor(stat.rdev),
    access,
  };
}

/** glibc's major()/minor() of a dev_t. */
function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}
function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

export function deviceMounts(devices: ResolvedDevice[]): MountSpec[] {
  return devices.map((d) => ({
    source: d.hostPath,
    destination: d.containerPath,
    type: 'bind',
    options: [],
    readonly: false,
    recursiveReadonly: false,
    propagation: 'private',
  }));
}

export function deviceRules(devices: ResolvedDevice[]): DeviceRule[] {
  return devices.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.access }));
}

/** Directories of /dev that are not device nodes of the host's own (runc skips the same). */
const NOT_HOST_DEVICES = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);
/** Nodes every container's /dev has already (native/helper/common/mounts_dev.c) or gets its own of. */
const OWN_NODES = new Set(['console', 'ptmx', 'null', 'zero', 'full', 'random', 'urandom', 'tty']);
const MAX_HOST_DEVICES = 4096;
const MAX_DEPTH = 4;

/** Every device node under the host's /dev, for a privileged container (containerd's WithHostDevices). */
export async function hostDevices(dir = '/dev', depth = 0, found: ResolvedDevice[] = []): Promise<ResolvedDevice[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (found.length >= MAX_HOST_DEVICES) break;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH && !(depth === 0 && NOT_HOST_DEVICES.has(entry.name)))
      await hostDevices(full, depth + 1, found);
    else if ((entry.isCharacterDevice() || entry.isBlockDevice()) && !(depth === 0 && OWN_NODES.has(entry.name))) {
      const device = await resolveDevice({ containerPath: full, hostPath: full, permissions: 'rwm' }).catch(
        () => undefined,
      );
      if (device) found.push(device);
    }
  }
  return found;
}

/** A privileged container's host devices, then the CRI's (which win on the same path). */
export async function containerDevices(privileged: boolean, requests: DeviceRequest[]): Promise<ResolvedDevice[]> {
  const requested = await resolveDevices(requests);
  if (!privileged) return requested;
  const paths = new Set(requested.map((d) => d.containerPath));
  return [...(await hostDevices()).filter((d) => !paths.has(d.containerPath)), ...requested];
}
