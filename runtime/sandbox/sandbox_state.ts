// A pod sandbox's lifecycle, and the only functions that move it between states.
//
//      RunPodSandbox                 StopPodSandbox, infra found dead
//           │                                 │
//           ▼                                 ▼
//       ┌───────┐ ─────────────────────▶ ┌──────────┐  RemovePodSandbox
//       │ READY │                        │ NOTREADY │ ─────────────────▶ gone
//       └───────┘                        └──────────┘
//
//   A pod is stored only once it is READY (a failed RunPodSandbox leaves nothing behind).
//   NOTREADY is final: its namespaces are gone, so no container may be created in it.
//   RemovePodSandbox of a READY pod stops it first (the CRI asks for a forced removal).
import { FailedPreconditionError } from '../errors';
import type { PinnedPaths, ProcessRef } from '../process/contract';

export type SandboxState = 'ready' | 'notready';

export interface PodIp {
  ip: string;
}

export interface SandboxStatus {
  state: SandboxState;
  infra: ProcessRef | null;
  /** Pinned namespace paths (bind mounts) containers join. */
  namespacePaths: PinnedPaths;
  ips: PodIp[];
  /** Nanoseconds since the epoch ("0" while ready). */
  stoppedAt: string;
}

export function readyStatus(
  infra: ProcessRef,
  namespacePaths: SandboxStatus['namespacePaths'],
  ips: PodIp[],
): SandboxStatus {
  return { state: 'ready', infra, namespacePaths, ips, stoppedAt: '0' };
}

export function canCreateContainer(status: SandboxStatus): boolean {
  return status.state === 'ready';
}

export function canStop(status: SandboxStatus): boolean {
  return status.state === 'ready';
}

export function canRemove(status: SandboxStatus): boolean {
  return status.state === 'notready';
}

export function checkCanCreateContainer(podId: string, status: SandboxStatus): void {
  if (!canCreateContainer(status)) {
    throw new FailedPreconditionError(
      `pod sandbox ${podId} is not ready (it was stopped); containers can no longer be created in it`,
    );
  }
}

export function toNotReady(status: SandboxStatus, stoppedAt: string): SandboxStatus {
  if (status.state === 'notready') return status;
  return { ...status, state: 'notready', stoppedAt };
}
