// What is stored for a pod sandbox: immutable metadata beside its mutable status.
import * as path from 'node:path';
import type { RecordStore, StoredRecord } from '../store/record_store';
import type { PodConfig } from './pod_config';
import type { SandboxStatus } from './sandbox_state';

export interface SandboxMeta {
  id: string;
  /** The reserved name: name_namespace_uid_attempt. */
  name: string;
  config: PodConfig;
  createdAt: string;
  /** Per-pod directory under the state root: infra bundle, namespace pins, /etc files, shm. */
  sandboxDir: string;
  cgroupPath: string;
  infraCgroupPath: string;
  /** The pod's /dev/shm on the host (the host's own for host-IPC pods). */
  shmPath: string;
  hostname: string;
}

export type SandboxStore = RecordStore<SandboxMeta, SandboxStatus>;
export type SandboxRecord = StoredRecord<SandboxMeta, SandboxStatus>;

export function infraBundleDir(meta: Pick<SandboxMeta, 'sandboxDir'>): string {
  return path.join(meta.sandboxDir, 'infra');
}

export function pinDir(meta: Pick<SandboxMeta, 'sandboxDir'>): string {
  return path.join(meta.sandboxDir, 'ns');
}

export function ownsShm(meta: SandboxMeta): boolean {
  return meta.shmPath.startsWith(meta.sandboxDir + path.sep);
}
