// What the rest of corral needs from the image subsystem (implemented in runtime/image/).
// Container lifecycle code depends only on these interfaces.

/** The parts of an OCI image config a container is built from. */
export interface ImageRuntimeConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[]; // "KEY=value"
  workingDir: string;
  user: string; // as in the config: "", "1000", "1000:1000", "nobody", "nobody:nogroup"
  stopSignal: string; // "" or e.g. "SIGQUIT"
  labels: Record<string, string>;
}

export interface ImageRecord {
  id: string; // "sha256:<config digest>"
  repoTags: string[]; // normalised, e.g. "docker.io/library/busybox:latest"
  repoDigests: string[]; // "docker.io/library/busybox@sha256:..."
  size: number; // bytes: compressed layers + config + manifest, as containerd reports
  pinned: boolean;
  config: ImageRuntimeConfig;
}

export interface ImageLookup {
  /** ID, unique ID prefix, tag or digest reference (normalised like Docker) → record; NotFoundError otherwise. */
  resolve(reference: string): ImageRecord;
}

/** A container's writable rootfs: its image's layers below, its own upper and work dirs. */
export interface SnapshotMount {
  lowerDirs: string[]; // top-most first, as overlayfs lowerdir= wants
  upperDir: string;
  workDir: string;
}

export interface Snapshotter {
  /**
   * Creates (idempotently) the writable snapshot `key` over the image's layers; holds the layers
   * in use. Not flushed to disk: a power loss may take it (see snapshotter.ts).
   */
  prepare(key: string, imageId: string): Promise<SnapshotMount>;
  /** Creates (idempotently) the read-only view `key` of the image's layers; holds the layers in use. */
  view(key: string, imageId: string): Promise<void>;
  /**
   * Mounts the snapshot's overlay at `target` (a directory under corral's roots); a view read-only,
   * and with `idmap` through that user namespace's mapping (its layers idmapped).
   */
  mount(key: string, target: string, idmap?: { usernsPath: string }): Promise<void>;
  /** Idempotent; waits for an unmount startUnmount began, and asks no more when that succeeded. */
  unmount(target: string): Promise<void>;
  /**
   * Unmounts `target` now, for a later unmount(target) to wait for rather than ask again (a
   * container's rootfs once it exited: its removal comes later).
   */
  startUnmount(target: string): Promise<void>;
  /** Bytes and inodes used by the snapshot's own writable layer. */
  usage(key: string): Promise<{ bytes: number; inodes: number }>;
  /**
   * Removes the snapshot and releases its layers; idempotent. What the container wrote may still
   * be on disk, out of the snapshot's place, when it resolves: it goes after the reply.
   */
  remove(key: string): Promise<void>;
}
