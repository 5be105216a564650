// corral's pod sandbox records → CRI PodSandbox / PodSandboxStatus.
import type { PodSandbox } from '../proto/generated/runtime/v1/PodSandbox';
import type { PodSandboxStatus } from '../proto/generated/runtime/v1/PodSandboxStatus';
import type { SandboxRecord } from '../runtime/sandbox/sandbox_record';

function state(record: SandboxRecord): 'SANDBOX_READY' | 'SANDBOX_NOTREADY' {
  return record.status.state === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

export function podSandboxToCri(record: SandboxRecord): PodSandbox {
  const config = record.meta.config;
  return {
    id: record.id,
    metadata: config.metadata,
    state: state(record),
    created_at: record.meta.createdAt,
    labels: config.labels,
    annotations: config.annotations,
    runtime_handler: config.runtimeHandler,
  };
}

export function podSandboxStatusToCri(record: SandboxRecord): PodSandboxStatus {
  const config = record.meta.config;
  const [primary, ...additional] = record.status.ips;
  const ns = config.namespaces;
  return {
    id: record.id,
    metadata: config.metadata,
    state: state(record),
    created_at: record.meta.createdAt,
    network: { ip: primary?.ip ?? '', additional_ips: additional.map((ip) => ({ ip: ip.ip })) },
    linux: { namespaces: { options: { network: ns.network, pid: ns.pid, ipc: ns.ipc, target_id: ns.targetId } } },
    labels: config.labels,
    annotations: config.annotations,
    runtime_handler: config.runtimeHandler,
  };
}

/** The `verbose` info crictl inspectp shows. */
export function podSandboxInfo(record: SandboxRecord, sandboxImage: string): Record<string, string> {
  return {
    info: JSON.stringify({
      pid: record.status.infra?.pid ?? 0,
      image: sandboxImage,
      namespacePaths: record.status.namespacePaths,
      cgroupPath: record.meta.cgroupPath,
      shm: record.meta.shmPath,
      config: record.meta.config,
    }),
  };
}
