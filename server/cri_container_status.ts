// corral's container records → CRI Container / ContainerStatus.
import type { Container } from '../proto/generated/runtime/v1/Container';
import type { ContainerStatus } from '../proto/generated/runtime/v1/ContainerStatus';
import type { Mount } from '../proto/generated/runtime/v1/Mount';
import { Signal } from '../proto/generated/runtime/v1/Signal';
import type { ContainerRecord } from '../runtime/container/container_record';
import { resourcesInForce } from '../runtime/container/container_resources';
import { resourcesToCri } from './cri_resources';
import type { ContainerState } from '../runtime/container/container_state';
import type { MountRequest } from '../runtime/container/container_config';

const STATE: Record<ContainerState, ContainerStatus['state']> = {
  created: 'CONTAINER_CREATED',
  running: 'CONTAINER_RUNNING',
  exited: 'CONTAINER_EXITED',
};

export const STATE_FROM_CRI: Record<string, ContainerState | undefined> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: undefined,
};

const PROPAGATION = {
  private: 'PROPAGATION_PRIVATE',
  rslave: 'PROPAGATION_HOST_TO_CONTAINER',
  rshared: 'PROPAGATION_BIDIRECTIONAL',
} as const;

function mountToCri(mount: MountRequest): Mount {
  return {
    container_path: mount.containerPath,
    host_path: mount.hostPath,
    readonly: mount.readonly,
    selinux_relabel: mount.selinuxRelabel,
    propagation: PROPAGATION[mount.propagation],
    recursive_read_only: mount.recursiveReadOnly,
    ...(mount.image ? { image: { image: mount.image.reference }, image_sub_path: mount.image.subPath } : {}),
  };
}

function imageSpec(record: ContainerRecord) {
  const asked = record.meta.config.image;
  return {
    image: record.meta.image.name,
    annotations: asked.annotations,
    user_specified_image: asked.userSpecifiedImage || asked.image,
  };
}

function stopSignal(name: string): ContainerStatus['stop_signal'] {
  const key = `SIGNAL_${name}`;
  return key in Signal ? (key as keyof typeof Signal) : 'SIGNAL_RUNTIME_DEFAULT';
}

export function containerToCri(record: ContainerRecord): Container {
  const { meta } = record;
  return {
    id: record.id,
    pod_sandbox_id: meta.podId,
    metadata: meta.config.metadata,
    image: imageSpec(record),
    image_ref: meta.image.ref,
    state: STATE[record.status.state],
    created_at: meta.createdAt,
    labels: meta.config.labels,
    annotations: meta.config.annotations,
    image_id: meta.image.id,
  };
}

export function containerStatusToCri(record: ContainerRecord): ContainerStatus {
  const { meta, status } = record;
  const process = meta.spec.process;
  return {
    id: record.id,
    metadata: meta.config.metadata,
    state: STATE[status.state],
    created_at: meta.createdAt,
    started_at: status.startedAt,
    finished_at: status.finishedAt,
    exit_code: status.exitCode,
    image: imageSpec(record),
    image_ref: meta.image.ref,
    image_id: meta.image.id,
    reason: status.reason,
    message: status.message,
    labels: meta.config.labels,
    annotations: meta.config.annotations,
    mounts: meta.config.mounts.map(mountToCri),
    log_path: meta.logPath,
    user: { linux: { uid: process.uid, gid: process.gid, supplemental_groups: process.additionalGids } },
    stop_signal: stopSignal(meta.stopSignal),
    resources: { linux: resourcesToCri(resourcesInForce(record)) },
  };
}

/** The `verbose` info crictl inspect shows: pid and the spec that was run. */
export function containerInfo(record: ContainerRecord): Record<string, string> {
  return {
    info: JSON.stringify({
      sandboxID: record.meta.podId,
      pid: record.status.state === 'exited' ? 0 : (record.status.init?.pid ?? 0),
      monitorPid: record.status.monitor?.pid ?? 0,
      snapshotKey: record.id,
      cgroupPath: record.meta.cgroupPath,
      config: record.meta.config,
      security: record.meta.security,
      runtimeSpec: record.meta.spec,
    }),
  };
}
