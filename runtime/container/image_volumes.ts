// Image volumes (KEP-4639): a pulled image's layers mounted read-only into a container. Each
// volume is a read-only view snapshot of the image (it holds the layers, so RemoveImage while
// the container lives never takes them), mounted on the host under the container's directory:
//   <containerDir>/image-volumes/<n>       the view's overlay (read-only, no upper)
//   <containerDir>/image-volumes/<n>.sub   image_sub_path, bound from the directory that
//                                          openat2(RESOLVE_IN_ROOT) found inside the view
// and bound from there into the container like any read-only volume. All of it goes when the
// container is removed.
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { SyscallError } from '../../native/libc';
import { bindDirInRoot } from '../../native/bind_in_root';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { ImageLookup, ImageRecord, Snapshotter } from '../image/contract';
import { PRIVATE_DIR_MODE } from '../store/private_dir';
import type { UndoStack } from '../undo_stack';
import type { MountRequest } from './container_config';
import type { UserNamespaceRequest } from '../security/user_namespace';
import { checkIdMappings } from './spec/container_mounts';

const VOLUMES_DIR = 'image-volumes';
const SUB_SUFFIX = '.sub';

/** The snapshot key of a container's n-th image volume. */
function viewKey(containerId: string, index: number): string {
  return `${containerId}.iv${index}`;
}

/** Each image volume's image, resolved before anything is made; NOT_FOUND names the image. */
export function resolveImageVolumes(images: ImageLookup, mounts: MountRequest[]): Map<number, ImageRecord> {
  const resolved = new Map<number, ImageRecord>();
  mounts.forEach((mount, index) => {
    if (!mount.image) return;
    try {
      resolved.set(index, images.resolve(mount.image.reference));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new NotFoundError(
        `image volume ${JSON.stringify(mount.containerPath)}: image ${JSON.stringify(mount.image.reference)} ` +
          'is not present; pull it first',
        { cause: err },
      );
    }
  });
  return resolved;
}

/** The pod's user namespace: its request (mappings kubelet must repeat) and its pinned path. */
export interface PodUserns {
  request: UserNamespaceRequest | null;
  path?: string;
}

/**
 * Mounts the image volumes on the host; returns the mounts with each volume's host path filled in.
 * A user-namespaced pod's volume (kubelet sends the pod's mappings) is idmapped here, layer by
 * layer, as containerd does: the bind into the container is then a plain one.
 */
export async function mountImageVolumes(
  deps: { snapshots: Snapshotter },
  containerId: string,
  containerDir: string,
  mounts: MountRequest[],
  images: Map<number, ImageRecord>,
  userns: PodUserns,
  undo: UndoStack,
): Promise<MountRequest[]> {
  if (images.size === 0) return mounts;
  const dir = path.join(containerDir, VOLUMES_DIR);
  await fs.mkdir(dir, { mode: PRIVATE_DIR_MODE });
  const result: MountRequest[] = [];
  for (const [index, mount] of mounts.entries()) {
    const image = images.get(index);
    if (!mount.image || !image) {
      result.push(mount);
      continue;
    }
    checkIdMappings(mount, userns.request);
    const idmap = mount.idMappings && userns.path ? { usernsPath: userns.path } : undefined;
    const key = viewKey(containerId, index);
    const target = path.join(dir, String(index));
    await fs.mkdir(target, { mode: PRIVATE_DIR_MODE });
    await deps.snapshots.view(key, image.id);
    undo.push('image volume snapshot', () => deps.snapshots.remove(key));
    await deps.snapshots.mount(key, target, idmap);
    undo.push('image volume mount', () => deps.snapshots.unmount(target));
    const hostPath = mount.image.subPath === '' ? target : await bindSubPath(deps, target, mount, undo);
    const { idMappings: _applied, ...bind } = mount; // the mapping is on the layers now
    result.push({ ...bind, hostPath, readonly: true });
  }
  return result;
}

async function bindSubPath(
  deps: { snapshots: Snapshotter },
  volume: string,
  mount: MountRequest,
  undo: UndoStack,
): Promise<string> {
  const { reference, subPath } = mount.image!;
  const target = volume + SUB_SUFFIX;
  await fs.mkdir(target, { mode: PRIVATE_DIR_MODE });
  const what = `image_sub_path ${JSON.stringify(subPath)} of image volume ${JSON.stringify(reference)}`;
  try {
    bindDirInRoot(volume, subPath, target);
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    if (err.code === 'ENOENT') throw new NotFoundError(`${what} does not exist in the image`, { cause: err });
    if (err.code === 'ENOTDIR') throw new InvalidArgumentError(`${what} is not a directory`, { cause: err });
    if (err.code === 'ELOOP') throw new InvalidArgumentError(`${what}: too many symlinks`, { cause: err });
    throw err;
  }
  undo.push('image volume sub path', () => deps.snapshots.unmount(target));
  return target;
}

/** Unmounts a container's image volumes and releases their snapshots (and so their layers); idempotent. */
export async function releaseImageVolumes(
  deps: { snapshots: Snapshotter },
  containerId: string,
  containerDir: string,
): Promise<void> {
  const dir = path.join(containerDir, VOLUMES_DIR);
  const names = listOwnDir(dir);
  if (names === undefined) return; // most containers have none: no round trip for an rmdir
  // A sub path bind lies on its volume's mount: it goes first.
  const ordered = [...names.filter((n) => n.endsWith(SUB_SUFFIX)), ...names.filter((n) => !n.endsWith(SUB_SUFFIX))];
  for (const name of ordered) {
    const mountPoint = path.join(dir, name);
    await deps.snapshots.unmount(mountPoint);
    await fs.rmdir(mountPoint); // fails while anything is still mounted there: nothing below is touched
    if (/^\d+$/.test(name)) await deps.snapshots.remove(viewKey(containerId, Number(name)));
  }
  await fs.rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** A directory of corral's own, read with one blocking call; undefined when there is none. */
function listOwnDir(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
