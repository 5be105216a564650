// Pods and containers as one subsystem: their stores under the roots, the services, the event
// bus, and the recovery step that runs once at start.
import * as path from 'node:path';
import type { CgroupManager } from './cgroups/contract';
import { ContainerService } from './container/container_service';
import { recoverContainers, sweepOrphanContainers, type ContainerRecovery } from './container/container_recover';
import type { ContainerMeta } from './container/container_record';
import type { ContainerStatus } from './container/container_state';
import { ContainerEventBus } from './events/container_events';
import type { ImageLookup, Snapshotter } from './image/contract';
import type { ContainerSpec, ProcessRuntime, SandboxRuntime } from './process/contract';
import { isSameProcessAlive } from './process_alive';
import type { PodNetwork } from './sandbox/pod_network';
import type { HostMounts } from './sandbox/pod_shm';
import type { SandboxMeta } from './sandbox/sandbox_record';
import { SandboxService } from './sandbox/sandbox_service';
import type { SandboxStatus } from './sandbox/sandbox_state';
import { inBatches, nextTurn } from './store/in_batches';
import { moduleLogger } from './log';
import { RecordStore } from './store/record_store';
import { TrashDir } from './trash_dir';

export interface LifecycleDrivers {
  processes: ProcessRuntime;
  infra: SandboxRuntime;
  cgroups: CgroupManager;
  images: ImageLookup;
  snapshots: Snapshotter;
  network: PodNetwork;
  mounts: HostMounts;
  isAlive?: (ref: { pid: number; startTime: string }) => Promise<boolean>;
}

export interface LifecycleSettings {
  root: string;
  state: string;
  rootfsMode: ContainerSpec['rootfsMode'];
  defaultCgroupParent: string;
  /** pids.max for containers that set none. */
  defaultPidsLimit?: number;
}

export interface Lifecycle {
  sandboxes: SandboxService;
  containers: ContainerService;
  events: ContainerEventBus;
  recovered: { sandboxesLost: string[]; containers: ContainerRecovery; orphansRemoved: string[] };
  close(): void;
}

const log = moduleLogger('lifecycle');

export async function openLifecycle(drivers: LifecycleDrivers, settings: LifecycleSettings): Promise<Lifecycle> {
  const sandboxStore = new RecordStore<SandboxMeta, SandboxStatus>(
    path.join(settings.root, 'sandboxes'),
    'pod sandbox',
    (m) => m.name,
  );
  const containerStore = new RecordStore<ContainerMeta, ContainerStatus>(
    path.join(settings.root, 'containers'),
    'container',
    (m) => m.name,
  );
  await sandboxStore.load();
  await containerStore.load();
  const trash = new TrashDir(path.join(settings.state, 'trash'));
  await trash.load();
  const events = new ContainerEventBus();
  const containers = new ContainerService({
    store: containerStore,
    sandboxes: sandboxStore,
    processes: drivers.processes,
    cgroups: drivers.cgroups,
    images: drivers.images,
    snapshots: drivers.snapshots,
    events,
    // Short: the monitors' unix sockets live below it.
    containersDir: path.join(settings.state, 'c'),
    trash,
    rootfsMode: settings.rootfsMode,
    defaultPidsLimit: settings.defaultPidsLimit,
  });
  const sandboxes = new SandboxService({
    store: sandboxStore,
    containers,
    infra: drivers.infra,
    cgroups: drivers.cgroups,
    network: drivers.network,
    mounts: drivers.mounts,
    sandboxesDir: path.join(settings.state, 'sandboxes'),
    trash,
    defaultCgroupParent: settings.defaultCgroupParent,
    isAlive: drivers.isAlive ?? isSameProcessAlive,
  });
  const recoveredContainers = await recoverContainers(containers.deps);
  const orphans = [...(await sweepOrphanContainers(containers.deps)), ...(await sandboxes.sweepOrphans())];
  const sandboxesLost = await sandboxes.recover();
  // The live containers' exit watchers start once recovery is done, a batch at a time (each first
  // look is blocking reads and a connection to the monitor: ~100 ms of CPU for 500), so the pods
  // and containers are served meanwhile. A container that exits before its watcher starts is
  // recorded by the watcher's first look, as one that exited while corrald was down.
  // Then the records' leftover temporary files (record_store.ts), off recovery's path too.
  let closed = false;
  nextTurn()
    .then(() => inBatches(recoveredContainers.live, (id) => (closed ? undefined : containers.watchExit(id))))
    .catch((err: unknown) => log.error('exit watchers not started', { error: (err as Error).message }))
    .then(() => (closed ? undefined : sandboxStore.sweepStaleTemps()))
    .then(() => (closed ? undefined : containerStore.sweepStaleTemps()))
    .catch((err: unknown) => log.warn('stale record temporaries not swept', { error: (err as Error).message }));
  return {
    sandboxes,
    containers,
    events,
    recovered: { sandboxesLost, containers: recoveredContainers, orphansRemoved: orphans },
    close: () => {
      closed = true;
      containers.close();
    },
  };
}
