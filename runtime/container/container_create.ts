// CreateContainer: reserve the name, prepare and mount the rootfs, build the spec and store the
// record; the reply goes then. The cgroup, the monitor and the waiting init are set up after it:
// StartContainer waits for that (see container_setups.ts). Any failure before the reply takes
// back every step, so nothing half-made stays behind.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { nowNs } from '../clock';
import { NotFoundError } from '../errors';
import { newId } from '../ids';
import type { CgroupResources } from '../cgroups/resources';
import type { ImageRecord } from '../image/contract';
import type { CreatedContainer } from '../process/contract';
import { moduleLogger } from '../log';
import { podFilePaths } from '../sandbox/pod_files';
import type { SandboxRecord } from '../sandbox/sandbox_record';
import { checkCanCreateContainer } from '../sandbox/sandbox_state';
import { removeDirWithMountPoints } from '../safe_remove';
import { StepTimer } from '../step_timer';
import { allSteps, UndoStack } from '../undo_stack';
import { containerName, type ContainerConfig } from './container_config';
import type { ContainerDeps } from './container_deps';
import { containerProcess, storedSpec, type ContainerImage, type ContainerMeta } from './container_record';
import { initialResources } from './container_resources';
import { createdStatus } from './container_state';
import { buildContainerSpec } from './spec/container_spec';
import { keptImageUserFiles } from './spec/image_user_files';
import { containerDevices, deviceRules, type ResolvedDevice } from './spec/container_devices';
import { containerCgroupView } from '../cgroups/container_view';
import { detectHost } from '../cgroups/host';
import { mountImageVolumes, resolveImageVolumes } from './image_volumes';

const log = moduleLogger('container');

function imageOf(record: ImageRecord, requested: string): ContainerImage {
  return { id: record.id, name: record.repoTags[0] ?? requested, ref: record.repoDigests[0] ?? record.id };
}

function targetPidNamespace(deps: ContainerDeps, config: ContainerConfig): string | undefined {
  const namespaces = config.security.namespaces;
  if (namespaces.pid !== 'TARGET') return undefined;
  const target = deps.store.find(namespaces.targetId);
  if (!target || target.status.state !== 'running' || !target.status.init) {
    throw new NotFoundError(`pid namespace target container ${namespaces.targetId} is not running`);
  }
  return `/proc/${target.status.init.pid}/ns/pid`;
}

export interface NewContainer {
  id: string;
  /** The monitor and the waiting init, still being set up when create returns. */
  processes: Promise<CreatedContainer>;
}

export async function createContainer(
  deps: ContainerDeps,
  pod: SandboxRecord,
  config: ContainerConfig,
): Promise<NewContainer> {
  checkCanCreateContainer(pod.id, pod.status);
  const devices = await containerDevices(config.security.privileged, config.devices ?? []);
  const resources = initialResources(config, deps.defaultPidsLimit, deviceRules(devices));
  deps.cgroups.validate(resources); // bad limits fail before anything is made
  deps.cgroups.warmMigration?.(); // the monitor moves the init into its cgroup later on
  const image = deps.images.resolve(config.image.image);
  const volumeImages = resolveImageVolumes(deps.images, config.mounts);
  const id = newId();
  const name = containerName(pod.id, config.metadata);
  deps.store.reserveName(name, id);
  const undo = new UndoStack(log);
  const timer = new StepTimer(log, 'CreateContainer', { container: id });
  try {
    const images = { image, volumeImages };
    const { meta, mountRootfs } = await timer.step(
      'prepared',
      prepare(deps, pod, config, images, { id, name, devices }, undo, timer),
    );
    // The record's writes first: a mount still to do (a blocking syscall) then runs while the
    // record's fsyncs do, in the thread pool.
    const stored = deps.store.add(id, meta, createdStatus()).then(() => {
      undo.push('record', () => deps.store.remove(id));
    });
    await timer.step('stored', allSteps([stored, mountRootfs()] as const));
    deps.events.publish({ containerId: id, podId: pod.id, kind: 'created', at: meta.createdAt });
    const processes = timer.step('processes set up', setUpAfterReply(deps, meta, resources));
    processes.catch(() => undefined); // its failure is StartContainer's to report, not a stray rejection
    void processes.then(
      () => timer.done(),
      () => timer.done(),
    );
    return { id, processes };
  } catch (err) {
    await undo.unwind();
    deps.store.releaseName(name, id);
    throw err;
  }
}

async function prepare(
  deps: ContainerDeps,
  pod: SandboxRecord,
  config: ContainerConfig,
  { image, volumeImages }: { image: ImageRecord; volumeImages: Map<number, ImageRecord> },
  { id, name, devices }: { id: string; name: string; devices: ResolvedDevice[] },
  undo: UndoStack,
  timer: StepTimer,
): Promise<{ meta: ContainerMeta; mountRootfs: () => Promise<void> }> {
  const containerDir = path.join(deps.containersDir, id);
  const rootfs = path.join(containerDir, 'rootfs');
  const cgroupPath = deps.cgroups.containerCgroupPath(pod.meta.cgroupPath, id);
  // A blocking mkdir: tens of microseconds on corral's own disk, against thread-pool round trips.
  mkdirSync(rootfs, { recursive: true, mode: 0o700 });
  undo.push('container directory', () => removeDirWithMountPoints(containerDir, [rootfs]));
  const layers = await timer.step('snapshot made', deps.snapshots.prepare(id, image.id));
  undo.push('snapshot', () => deps.snapshots.remove(id));
  const mountRootfs = async (): Promise<void> => {
    await deps.snapshots.mount(id, rootfs);
    undo.push('rootfs mount', () => deps.snapshots.unmount(rootfs));
  };
  // With the image's user files known (its second container on) and no image volume, the spec
  // needs nothing from the mounted rootfs: the caller mounts it while the record is flushed.
  const userFiles = volumeImages.size === 0 ? keptImageUserFiles(image.id) : undefined;
  const mountLater = userFiles !== undefined;
  if (!mountLater) await mountRootfs();
  const userns = { request: pod.meta.config.userNamespace, path: pod.status.namespacePaths.user };
  const mounts = await mountImageVolumes(deps, id, containerDir, config.mounts, volumeImages, userns, undo);
  // The container's directory is its bundle: the monitor's socket path must stay under 108 bytes.
  const bundleDir = containerDir;
  const { spec, security } = await timer.step(
    'spec built',
    buildContainerSpec({
      id,
      bundleDir,
      rootfs,
      rootfsMode: deps.rootfsMode,
      rootfsLayers: layers,
      config: { ...config, mounts },
      pod: {
        config: pod.meta.config,
        hostname: pod.meta.hostname,
        pinned: pod.status.namespacePaths,
        files: { ...podFilePaths(pod.meta.sandboxDir), shm: pod.meta.shmPath },
      },
      image: image.config,
      imageId: image.id,
      userFiles,
      // Paths only: the cgroup itself is made with the processes, after the reply.
      cgroupProcsFiles: deps.cgroups.open(cgroupPath).procsFiles(),
      cgroupfs: containerCgroupView(detectHost()),
      targetPidNs: targetPidNamespace(deps, config),
      devices,
    }),
  );
  const meta: ContainerMeta = {
    id,
    name,
    podId: pod.id,
    config,
    createdAt: nowNs(),
    image: imageOf(image, config.image.image),
    stopSignal: config.stopSignal || image.config.stopSignal || 'SIGTERM',
    logPath: spec.logPath,
    containerDir,
    bundleDir,
    rootfs,
    cgroupPath,
    ...storedSpec(spec),
    security,
  };
  return { meta, mountRootfs: mountLater ? mountRootfs : async () => undefined };
}

/**
 * After the reply: the cgroup (made and limited), then the monitor and the init waiting before
 * execve in it. A failure is StartContainer's to report; RemoveContainer takes away what was
 * made (docs/lifecycle.md, "CreateContainer and StartContainer").
 */
async function setUpAfterReply(
  deps: ContainerDeps,
  meta: ContainerMeta,
  resources: CgroupResources,
): Promise<CreatedContainer> {
  // The monitor's spawn (a fork of corrald) blocks the event loop for 2-3 ms: it comes after the
  // cgroup's several thread-pool round trips, by which time the reply's frames have gone out.
  const cgroup = await deps.cgroups.create(meta.cgroupPath);
  await cgroup.apply(resources);
  const created = await deps.processes.create({ ...meta.spec, process: containerProcess(meta) });
  await deps.cgroups.open(meta.cgroupPath).attach?.(created.init.pid);
  return created;
}
