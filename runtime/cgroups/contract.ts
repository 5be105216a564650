// What container lifecycle code needs from cgroups (implemented in runtime/cgroups/ with a v1
// and a v2 driver, the host's mode detected once). Build one with createCgroupManager()
// from runtime/cgroups/manager.ts.
import type { CgroupResources } from './resources';
import type { CgroupStats } from './stats';

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

export interface RemoveOptions {
  /** Kill whatever is still running in it first (default false: wait for it to exit). */
  killRemaining?: boolean;
  /** How long to wait for the cgroup to empty before failing (default 10 s). */
  timeoutMs?: number;
}

export interface CgroupHandle {
  /** The cgroup's path relative to each hierarchy root, e.g. "/kubepods/pod1234/<id>". */
  readonly path: string;
  /** Files a new process writes its own pid into to join this cgroup (one per hierarchy). */
  procsFiles(): string[];
  /** Pids currently in the cgroup (and its descendants). */
  pids(): Promise<number[]>;
  /** Kills every process in it so nothing escapes by forking (cgroup.kill on v2; freeze, signal, thaw on v1). */
  killAll(): Promise<void>;
  /** Waits for the cgroup to empty, then removes its directories in every hierarchy; idempotent. */
  remove(options?: RemoveOptions): Promise<void>;

  /**
   * Validates then writes resources (a live update when processes run). Fields left undefined
   * are not touched. Invalid input throws InvalidArgumentError naming the field before anything
   * is written.
   */
  apply(resources: CgroupResources): Promise<void>;
  /** Stops every process in it (cgroup.freeze on v2, freezer.state on v1) and waits until frozen. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** One sample of its usage counters. */
  stats(): Promise<CgroupStats>;
  /** How many processes the OOM killer has killed in it (v1 memory.oom_control, v2 memory.events oom_kill). */
  oomKillCount(): Promise<number>;
  /** Whether the OOM killer has killed anything in it; read before remove(). */
  oomKilled(): Promise<boolean>;
  /**
   * Tells the manager the process that joined the cgroup through procsFiles() (a container's
   * init, a pod's infra): the systemd driver makes its transient scope around it then.
   */
  attach?(pid: number): Promise<void>;
}

export interface ControllerInfo {
  name: string;
  /** Whether corral can use it on this host. */
  available: boolean;
  /** Where: a v1 mount point, or the v2 unified mount. */
  where?: string;
}

/** How cgroups are managed: corral writes the tree, or systemd owns it (transient scopes). */
export type CgroupDriverName = 'cgroupfs' | 'systemd';

export interface CgroupManager {
  readonly cgroupDriver: CgroupDriverName;
  readonly mode: CgroupMode;
  /** The driver in use: "v1" drives per-controller hierarchies (v1 and hybrid hosts), "v2" the unified one. */
  readonly driver: 'v1' | 'v2';
  /** Creates (idempotently) the cgroup at `path` (relative, cgroupfs form) in every hierarchy. */
  create(path: string): Promise<CgroupHandle>;
  /** A handle to an existing cgroup (after a corrald restart). */
  open(path: string): CgroupHandle;
  /** Checks resources against this host without touching any cgroup (InvalidArgumentError naming the field). */
  validate(resources: CgroupResources): void;
  /** The controllers this host offers corral (for checkconfig and RuntimeConfig). */
  controllers(): ControllerInfo[];
  /**
   * The pod's cgroup for kubelet's cgroup_parent in this driver's form ("" takes
   * `defaultParent`); InvalidArgumentError when it is in the other driver's form.
   */
  podCgroupPath(parent: string, podId: string, defaultParent: string): string;
  containerCgroupPath(podPath: string, containerId: string): string;
  infraCgroupPath(podPath: string, podId: string): string;
  /** Hint that a process is about to be moved into a cgroup: lets the kernel lock it takes warm up
   *  meanwhile (see migration_warmup.ts). Never fails, never waits. */
  warmMigration?(): void;
}
