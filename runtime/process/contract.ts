// What sandbox and container lifecycle code needs from the process layer (implemented in
// runtime/process/ on top of the native helper and the per-container monitor in native/helper/).
// Shaped after the OCI runtime spec, but only what CRI needs.
import type { StdioOptions, StreamedAttach, StreamedExec } from '../streaming/contract';

export type NamespaceKind = 'net' | 'ipc' | 'uts' | 'pid';

/**
 * new: a fresh namespace; join: enter the one pinned at `path`; host: stay in corrald's.
 * Pid only, where the container's /proc comes from, from outside the namespace: `proc`, a proc
 * instance of it pinned on the host (a pod's, sandbox_runtime.ts); else fsconfig "pidns" (Linux
 * 6.15); else `procMountNs`, a mount namespace whose /proc shows it (a target container's).
 */
export type NamespaceSetting =
  { mode: 'new' } | { mode: 'join'; path: string; proc?: string; procMountNs?: string } | { mode: 'host' };

/** What a pod pins: its namespaces, and a proc instance of its pid namespace (`proc`). */
export type PinnedPaths = Partial<Record<NamespaceKind | 'user' | 'proc', string>>;

export interface MountSpec {
  source: string; // host path (bind) or fs source ("proc", "tmpfs"…)
  destination: string; // absolute path inside the container
  type: 'bind' | 'tmpfs' | 'proc' | 'sysfs' | 'devpts' | 'mqueue';
  options: string[]; // fs data options, e.g. ["size=65536k", "mode=755"]
  readonly: boolean;
  recursiveReadonly: boolean; // mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)
  propagation: 'private' | 'rslave' | 'rshared';
  /** A bind seen through the container's user namespace (MOUNT_ATTR_IDMAP); binds only. */
  idmap?: boolean;
}

export interface Capabilities {
  bounding: string[]; // "CAP_CHOWN", …
  effective: string[];
  permitted: string[];
  inheritable: string[];
  ambient: string[];
}

export interface Rlimit {
  type: string;
  soft: number;
  hard: number;
} // type: "RLIMIT_NOFILE"

export interface ProcessSpec {
  args: string[];
  env: string[]; // "KEY=value"
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  noNewPrivileges: boolean;
  capabilities: Capabilities;
  rlimits: Rlimit[];
  oomScoreAdj?: number; // best effort: this host lacks CAP_SYS_RESOURCE
  /** A compiled seccomp BPF program (struct sock_filter[] bytes), installed just before execve. */
  seccompFilter?: Buffer;
}

/** What the container sees at /sys/fs/cgroup (its own cgroups, through its cgroup namespace). */
export type CgroupfsView =
  | { kind: 'v2' }
  /** A tmpfs with each hierarchy at `dir` (mounted with `data`, e.g. "name=systemd"). */
  | { kind: 'v1'; hierarchies: Array<{ dir: string; data: string }> };

export interface UserNamespaceSpec {
  uidMappings: Array<{ containerId: number; hostId: number; size: number }>;
  gidMappings: Array<{ containerId: number; hostId: number; size: number }>;
}

export interface RootfsLayers {
  lowerDirs: string[]; // top-most first
  upperDir: string;
  workDir: string;
}

export interface ContainerSpec {
  id: string;
  /** Per-container directory under the state root: the monitor's socket, exit file, pid files. */
  bundleDir: string;
  /** The mounted rootfs (overlay) on the host. */
  rootfs: string;
  readonlyRootfs: boolean;
  /** pivot_root, or chroot for roots that cannot be pivoted (config rootfs_mode). */
  rootfsMode: 'pivot_root' | 'chroot';
  /**
   * The overlay's directories under rootfs, for a user-namespaced container: its rootfs is rebuilt
   * from idmapped clones of them (the mounted overlay's own options may name them by fd paths).
   * Absent: rootfs is a plain directory, idmapped as it is.
   */
  rootfsLayers?: RootfsLayers;
  hostname?: string; // set only when the container gets a new uts namespace
  namespaces: Record<NamespaceKind, NamespaceSetting>;
  /**
   * Join the pod's user namespace at this path (its mappings, when given, idmap the rootfs so the
   * image's files belong to the container's root), or create one with these mappings.
   */
  userNamespace?: ({ mode: 'join'; path: string } & Partial<UserNamespaceSpec>) | ({ mode: 'new' } & UserNamespaceSpec);
  mounts: MountSpec[]; // applied in order after /proc, /sys, /dev
  maskedPaths: string[];
  readonlyPaths: string[];
  privileged: boolean;
  sysctls: Record<string, string>;
  /** Absent: /sys/fs/cgroup is left as sysfs has it (an empty directory). */
  cgroupfs?: CgroupfsView;
  /** cgroup.procs files (one per hierarchy) the init writes itself into before execve. */
  cgroupProcsFiles: string[];
  logPath: string; // CRI log file the monitor writes; "" = discard output
  process: ProcessSpec;
}

/** A pid is never trusted without its start time (field 22 of /proc/<pid>/stat). */
export interface ProcessRef {
  pid: number;
  startTime: string;
}

export interface CreatedContainer {
  monitor: ProcessRef;
  init: ProcessRef; // waiting before execve until start()
}

export interface StartedContainer extends CreatedContainer {
  startedAt: string; // RFC 3339 with nanoseconds: when execve happened
}

export interface ExitInfo {
  exitCode: number; // 128+signal when killed by a signal
  signal?: string; // "SIGKILL" when killed by a signal
  finishedAt: string; // RFC 3339 with nanoseconds
  startedAt?: string; // when execve was released (if it ever was)
  /** OOM kills the monitor counted in the container's cgroup; absent when it could not count. */
  oomKills?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export interface ProcessRuntime {
  /**
   * Starts the monitor and the init; the init waits before execve. Given a promise, the monitor
   * may be started before the spec is ready, and ends at once if it never is.
   */
  create(spec: ContainerSpec | Promise<ContainerSpec>): Promise<CreatedContainer>;
  /** Releases the waiting init into execve; resolves once execve has happened (or failed). */
  start(bundleDir: string): Promise<StartedContainer>;
  /** Sends a signal to the container's init (race-free: pidfd, start time checked). */
  signal(bundleDir: string, signal: string): Promise<void>;
  /** The exit record the monitor wrote, or undefined while the container runs. */
  readExit(bundleDir: string): Promise<ExitInfo | undefined>;
  /** Resolves when the container exits (watching the monitor), or at once if it has. */
  waitExit(bundleDir: string, signal?: AbortSignal): Promise<ExitInfo>;
  /**
   * waitExit after the init was SIGKILLed, bounded: a killed init whose zombie a tracer holds
   * (hidden from the monitor) has exited with 137 (killed_exit.ts).
   */
  waitKilledExit(bundleDir: string): Promise<ExitInfo>;
  /** Makes the monitor close and reopen its log file (after kubelet rotated it). */
  reopenLog(bundleDir: string): Promise<void>;
  /** Runs a command inside a running container (its namespaces and cgroup), capturing output. */
  execSync(bundleDir: string, process: ProcessSpec, timeoutMs: number): Promise<ExecResult>;
  /**
   * Starts a command inside a running container with its stdio connected for streaming Exec (a pty
   * when options.tty). Optional: a runtime without it serves ExecSync only.
   */
  execStream?(bundleDir: string, process: ProcessSpec, options: StdioOptions): Promise<StreamedExec>;
  /**
   * Connects to the running container's stdio through its monitor (output as it is produced,
   * input, terminal size). stdinOnce: closing the client's stdin closes the container's.
   */
  attachStream?(bundleDir: string, options: StdioOptions, stdinOnce: boolean): Promise<StreamedAttach>;
  /** After a corrald restart: is the monitor still alive (so the container is running or exiting)? */
  isMonitorAlive(bundleDir: string): Promise<boolean>;
  /** Removes what create() left in bundleDir once the container has exited; idempotent. */
  cleanup(bundleDir: string): Promise<void>;
}

export interface SandboxInfraSpec {
  id: string;
  bundleDir: string;
  hostname: string;
  namespaces: Record<NamespaceKind, NamespaceSetting>; // usually new/new/new and pid new or host
  userNamespace?: { mode: 'new' } & UserNamespaceSpec;
  sysctls: Record<string, string>;
  cgroupProcsFiles: string[];
  /** Directory under the state root where the namespaces are pinned by bind mounts. */
  pinDir: string;
}

export interface SandboxInfra {
  infra: ProcessRef;
  /** Paths of the pins (mounts) for CNI and for containers to join. */
  namespacePaths: PinnedPaths;
}

export interface SandboxRuntime {
  /**
   * A new network namespace pinned at <pinDir>/net before the infra starts (whose spec then joins
   * it), so CNI can set it up while the infra starts. stopInfra unpins it with the rest.
   */
  pinNetworkNamespace(pinDir: string): Promise<string>;
  /**
   * With `ready`, the infra's process is prepared at once and told its spec once `ready`
   * resolves (the pod's cgroups it joins, made meanwhile); a rejected `ready` starts nothing.
   */
  startInfra(spec: SandboxInfraSpec, ready?: Promise<unknown>): Promise<SandboxInfra>;
  /**
   * Kills the infra and unmounts the pins; idempotent, tolerant of half-made state. With
   * `keepNetwork` the network namespace's pin stays (CNI DEL may still enter it) for a later call.
   */
  stopInfra(bundleDir: string, pinDir: string, options?: { keepNetwork?: boolean }): Promise<void>;
  /** Kills the infra and waits until it is gone; the pins stay (CNI DEL may still enter the netns). */
  killInfra(bundleDir: string): Promise<void>;
}
