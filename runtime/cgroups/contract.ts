// What container lifecycle code needs from cgroups (implemented in runtime/cgroups/ with a v1
// and a v2 driver, the host's mode detected once).

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

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
  remove(): Promise<void>;
}

export interface CgroupManager {
  readonly mode: CgroupMode;
  /** Creates (idempotently) the cgroup at `path` (relative, cgroupfs form) in every hierarchy. */
  create(path: string): Promise<CgroupHandle>;
  /** A handle to an existing cgroup (after a corrald restart). */
  open(path: string): CgroupHandle;
}
