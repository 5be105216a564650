// What pod sandbox lifecycle code works with (interfaces; the real drivers are wired in
// server/daemon.ts).
import type { CgroupManager } from '../cgroups/contract';
import type { ContainerService } from '../container/container_service';
import type { SandboxRuntime } from '../process/contract';
import type { PodNetwork } from './pod_network';
import type { HostMounts } from './pod_shm';
import type { TrashDir } from '../trash_dir';
import type { SandboxStore } from './sandbox_record';

export interface SandboxDeps {
  store: SandboxStore;
  containers: ContainerService;
  infra: SandboxRuntime;
  cgroups: CgroupManager;
  network: PodNetwork;
  mounts: HostMounts;
  /** <state>/sandboxes: one directory per pod. */
  sandboxesDir: string;
  /** Where a removed pod's directory goes, removed after the reply. */
  trash: TrashDir;
  /** Used when the pod config names no cgroup_parent. */
  defaultCgroupParent: string;
  /** Is this infra process still the one we started? (pid + start time). */
  isAlive(ref: { pid: number; startTime: string }): Promise<boolean>;
}
