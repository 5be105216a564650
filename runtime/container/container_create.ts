// CreateContainer: reserve the name, prepare and mount the rootfs, make the cgroup, build the
// spec, store the record and start the monitor and the waiting init. The process setup is not
// waited for: StartContainer waits for it (see container_setups.ts). Any failure before the
// reply takes back every step, so nothing half-made stays behind.
import { promises as fs } from 'node:fs';
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
    // The monitor is started at once and gets its spec once prepared; the record's writes (and
    // fsyncs) and the rest of the process setup are independent: side by side.
    const prepared = timer.step('prepared', prepare(deps, pod, config, images, id, name, resources, devices, undo));
    const processes = timer.step('processes set up', setUpProcesses(deps, prepared));
    processes.catch(() => undefined); // its failure is StartContainer's to report, not a stray rejection
    const meta = await prepared.catch(async (err: unknown) => {
      await processes.catch(() => undefined); // the monitor ends on the spec that never came
      throw err;
    });
    const stored = timer.step('stored', deps.store.add(id, meta, createdStatus()));
    void Promise.allSettled([processes, stored]).then(() => timer.done());
    await stored.catch(async (err: unknown) => {
      await processes.then(
        () => discardProcesses(deps, meta),
        () => deps.processes.cleanup(meta.bundleDir),
      );
      throw err;
    });
    deps.events.publish({ containerId: id, podId: pod.id, kind: 'created', at: meta.createdAt });
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
  id: string,
  name: string,
  resources: CgroupResources,
  devices: ResolvedDevice[],
  undo: UndoStack,
): Promise<ContainerMeta> {
  const containerDir = path.join(deps.containersDir, id);
  const rootfs = path.join(containerDir, 'rootfs');
  const cgroupPath = deps.cgroups.containerCgroupPath(pod.meta.cgroupPath, id);
  // The directory, the snapshot and the cgroup do not depend on one another: made side by side
  // (each settled before a failure unwinds); only the mount needs both the first two.
  const [layers, cgroup] = await allSteps([
    (async () => {
      const [, prepared] = await allSteps([
        fs.mkdir(rootfs, { recursive: true, mode: 0o700 }).then(() => {
          undo.push('container directory', () => removeDirWithMountPoints(containerDir, [rootfs]));
        }),
        deps.snapshots.prepare(id, image.id).then((mount) => {
          undo.push('snapshot', () => deps.snapshots.remove(id));
          return mount;
        }),
      ] as const);
      await deps.snapshots.mount(id, rootfs);
      undo.push('rootfs mount', () => deps.snapshots.unmount(rootfs));
      return prepared;
    })(),
    deps.cgroups.create(cgroupPath).then(async (handle) => {
      undo.push('cgroup', () => handle.remove({ killRemaining: true }));
      await handle.apply(resources);
      return handle;
    }),
  ] as const);
  const userns = { request: pod.meta.config.userNamespace, path: pod.status.namespacePaths.user };
  const mounts = await mountImageVolumes(deps, id, containerDir, config.mounts, volumeImages, userns, undo);
  // The container's directory is its bundle: the monitor's socket path must stay under 108 bytes.
  const bundleDir = containerDir;
  const { spec, security } = await buildContainerSpec({
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
    cgroupProcsFiles: cgroup.procsFiles(),
    cgroupfs: containerCgroupView(detectHost()),
    targetPidNs: targetPidNamespace(deps, config),
    devices,
  });
  if (spec.logPath !== '') await fs.mkdir(path.dirname(spec.logPath), { recursive: true });
  return {
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
}

/** The monitor and the init waiting before execve, in the container's cgroup. */
async function setUpProcesses(deps: ContainerDeps, prepared: Promise<ContainerMeta>): Promise<CreatedContainer> {
  const created = await deps.processes.create(
    prepared.then((meta) => ({ ...meta.spec, process: containerProcess(meta) })),
  );
  await deps.cgroups.open((await prepared).cgroupPath).attach?.(created.init.pid);
  return created;
}

/** Undo of a create that got as far as the monitor: kill the waiting init, let the monitor end. */
async function discardProcesses(deps: ContainerDeps, meta: ContainerMeta): Promise<void> {
  await deps.processes.signal(meta.bundleDir, 'SIGKILL').catch(() => undefined);
  await deps.cgroups.open(meta.cgroupPath).killAll();
  await deps.processes.waitExit(meta.bundleDir);
  await deps.processes.cleanup(meta.bundleDir);
}
