// What container lifecycle code works with. Every kernel-facing part is an interface, so the
// logic is tested with fakes and the real drivers are wired in server/daemon.ts.
import type { CgroupManager } from '../cgroups/contract';
import type { ContainerEventBus } from '../events/container_events';
import type { ImageLookup, Snapshotter } from '../image/contract';
import type { ContainerSpec, ProcessRuntime } from '../process/contract';
import type { SandboxStore } from '../sandbox/sandbox_record';
import type { TrashDir } from '../trash_dir';
import type { ContainerStore } from './container_record';

export interface ContainerDeps {
  store: ContainerStore;
  sandboxes: SandboxStore;
  processes: ProcessRuntime;
  cgroups: CgroupManager;
  images: ImageLookup;
  snapshots: Snapshotter;
  events: ContainerEventBus;
  /** <state>/c: one directory per container (its bundle, with the rootfs mount point inside). */
  containersDir: string;
  /** Where a removed container's directory goes, removed after the reply. */
  trash: TrashDir;
  rootfsMode: ContainerSpec['rootfsMode'];
  /** pids.max for containers that set none (config cgroups.default_pids_limit). */
  defaultPidsLimit?: number;
}
