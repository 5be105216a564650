// What is stored for a container: immutable metadata beside its mutable status.
import type { ContainerSpec, ProcessSpec } from '../process/contract';
import type { SecuritySummary } from '../security/container_security';
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
  /** The spec the process layer ran (seccomp filter aside): shown by verbose status, reused by exec. */
  spec: ContainerSpec;
  /** The compiled seccomp filter, base64 (JSON would not give a Buffer back). */
  seccompFilter?: string;
  /** The effective security settings, for status and inspect. */
  security: SecuritySummary;
}

export type ContainerStore = RecordStore<ContainerMeta, ContainerStatus>;
export type ContainerRecord = StoredRecord<ContainerMeta, ContainerStatus>;

/** What is stored of a spec: everything but the seccomp filter's bytes, kept apart as base64. */
export function storedSpec(spec: ContainerSpec): Pick<ContainerMeta, 'spec' | 'seccompFilter'> {
  const { seccompFilter, ...process } = spec.process;
  return { spec: { ...spec, process }, ...(seccompFilter ? { seccompFilter: seccompFilter.toString('base64') } : {}) };
}

/** The container's process settings with its seccomp filter, as exec needs them. */
export function containerProcess(meta: ContainerMeta): ProcessSpec {
  const process = { ...meta.spec.process };
  if (meta.seccompFilter) process.seccompFilter = Buffer.from(meta.seccompFilter, 'base64');
  return process;
}
