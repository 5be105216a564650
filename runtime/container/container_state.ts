// A container's lifecycle, and the only functions that move it between states.
//
//        CreateContainer
//              │
//              ▼
//         ┌─────────┐   StartContainer    ┌─────────┐   init exits, StopContainer   ┌────────┐
//         │ CREATED │ ──────────────────▶ │ RUNNING │ ────────────────────────────▶ │ EXITED │
//         └─────────┘                     └─────────┘                               └────────┘
//              │   start failed, StopContainer, monitor gone while corrald was down     ▲
//              └────────────────────────────────────────────────────────────────────────┘
//
//   RemoveContainer takes CREATED or EXITED away (a RUNNING container is stopped first).
//   EXITED is final: a second exit record is ignored, so the first (real) exit code wins.
import { FailedPreconditionError } from '../errors';
import type { CgroupResources } from '../cgroups/resources';
import type { ProcessRef } from '../process/contract';

export type ContainerState = 'created' | 'running' | 'exited';

export interface ContainerStatus {
  state: ContainerState;
  monitor: ProcessRef | null;
  init: ProcessRef | null;
  /** Nanoseconds since the epoch, as decimal strings ("0" = never). */
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** Completed, Error, StartError, OOMKilled. */
  reason: string;
  message: string;
  /** The resources in force after UpdateContainerResources (undefined: still the config's). */
  resources?: CgroupResources;
}

export interface ExitRecord {
  exitCode: number;
  finishedAt: string;
  /** When the process was released, if the status does not know it yet (exit raced the start). */
  startedAt?: string;
  reason?: string;
  message?: string;
}

/** The monitor and init are not known yet: CreateContainer does not wait for them (StartContainer does). */
export function createdStatus(): ContainerStatus {
  return {
    state: 'created',
    monitor: null,
    init: null,
    startedAt: '0',
    finishedAt: '0',
    exitCode: 0,
    reason: '',
    message: '',
  };
}

export function canStart(status: ContainerStatus): boolean {
  return status.state === 'created';
}

/** Stop acts on anything not yet exited (a CREATED init waits before execve and is killed). */
export function canStop(status: ContainerStatus): boolean {
  return status.state !== 'exited';
}

export function canRemove(status: ContainerStatus): boolean {
  return status.state !== 'running';
}

export function canExec(status: ContainerStatus): boolean {
  return status.state === 'running';
}

/** An exit recorded while start() was returning keeps EXITED and only learns the start time. */
export function toRunning(
  status: ContainerStatus,
  startedAt: string,
  processes: { monitor: ProcessRef; init: ProcessRef },
): ContainerStatus {
  const { monitor, init } = processes;
  if (status.state === 'exited')
    return { ...status, monitor, init, startedAt: status.startedAt !== '0' ? status.startedAt : startedAt };
  if (!canStart(status)) throw new FailedPreconditionError(`container is ${status.state}, not created`);
  return { ...status, state: 'running', monitor, init, startedAt };
}

/** Records an exit once; later reports of the same exit leave the first in place. */
export function toExited(status: ContainerStatus, exit: ExitRecord): ContainerStatus {
  if (status.state === 'exited') return status;
  return {
    ...status,
    state: 'exited',
    startedAt: status.startedAt !== '0' ? status.startedAt : (exit.startedAt ?? '0'),
    finishedAt: exit.finishedAt,
    exitCode: exit.exitCode,
    reason: exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error'),
    message: exit.message ?? '',
  };
}
