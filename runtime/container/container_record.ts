// What is stored for a container: immutable metadata beside its mutable status.
import type { ContainerSpec } from '../process/contract';
import type { RecordStore, StoredRecord } from '../store/record_store';
import type { ContainerConfig } from './container_config';
import type { ContainerStatus } from './container_state';

export interface ContainerImage {
  /** "sha256:<config digest>". */
  id: string;
  /** What ContainerStatus.image shows: the first repo tag, or the reference asked for. */
  name: string;
  /** What image_ref shows: the first repo digest, or the ID. */
  ref: string;
}

export interface ContainerMeta {
  id: string;
  /** The reserved name: <pod id>/<name>_<attempt>. */
  name: string;
  podId: string;
  config: ContainerConfig;
  createdAt: string;
  image: ContainerImage;
  /** The signal StopContainer sends first: the config's, else the image's, else SIGTERM. */
  stopSignal: string;
  logPath: string;
  containerDir: string;
  bundleDir: string;
  rootfs: string;
  cgroupPath: string;
  /** The spec the process layer ran: shown by verbose status and reused by exec. */
  spec: ContainerSpec;
}

export type ContainerStore = RecordStore<ContainerMeta, ContainerStatus>;
export type ContainerRecord = StoredRecord<ContainerMeta, ContainerStatus>;
