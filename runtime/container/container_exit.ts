// Recording a container's exit, from whichever path learns of it first (the exit watcher, a
// stop, a status refresh, recovery). The first record wins; the event is sent once.
import { telemetry } from '../telemetry';
import { nowNs, rfc3339ToNs } from '../clock';
import { NotFoundError } from '../errors';
import type { ExitInfo } from '../process/contract';
import type { ContainerDeps } from './container_deps';
import type { ContainerRecord } from './container_record';
import { toExited, type ExitRecord } from './container_state';

export function exitRecordOf(exit: ExitInfo): ExitRecord {
  return {
    exitCode: exit.exitCode,
    finishedAt: rfc3339ToNs(exit.finishedAt),
    startedAt: exit.startedAt ? rfc3339ToNs(exit.startedAt) : undefined,
    // The monitor's count, read while the cgroup still existed (systemd removes an emptied scope).
    ...(exit.exitCode !== 0 && (exit.oomKills ?? 0) > 0 ? { reason: 'OOMKilled' } : {}),
  };
}

export async function recordExit(
  deps: ContainerDeps,
  id: string,
  exit: ExitRecord,
): Promise<ContainerRecord | undefined> {
  exit = await withOomReason(deps, id, exit);
  let changed = false;
  let after: ContainerRecord;
  try {
    // Decided inside the serialised update, so two paths learning the same exit send one event.
    after = await deps.store.update(id, (status) => {
      changed = status.state !== 'exited';
      return toExited(status, exit);
    });
  } catch (err) {
    if (err instanceof NotFoundError) return undefined; // removed meanwhile
    throw err;
  }
  if (changed) deps.events.publish({ containerId: id, podId: after.meta.podId, kind: 'stopped', at: nowNs() });
  if (changed && after.status.reason === 'OOMKilled') telemetry.report('oomKill', { containerId: id });
  return after;
}

/**
 * A failed exit of a container whose cgroup saw the OOM killer act is OOMKilled (v1
 * memory.oom_control / v2 memory.events oom_kill). The monitor's count in the exit file decides
 * when it has one (exitRecordOf); else the cgroup is read now, if it is still there.
 */
async function withOomReason(deps: ContainerDeps, id: string, exit: ExitRecord): Promise<ExitRecord> {
  const record = deps.store.get(id);
  if (!record || record.status.state === 'exited' || exit.reason !== undefined || exit.exitCode === 0) return exit;
  const oomKilled = await deps.cgroups
    .open(record.meta.cgroupPath)
    .oomKilled()
    .catch(() => false);
  return oomKilled ? { ...exit, reason: 'OOMKilled' } : exit;
}

/** Reads the monitor's exit file and records it: makes a status read current. */
export async function refreshExit(deps: ContainerDeps, record: ContainerRecord): Promise<ContainerRecord> {
  if (record.status.state === 'exited') return record;
  const exit = await deps.processes.readExit(record.meta.bundleDir);
  if (!exit) return record;
  return (await recordExit(deps, record.id, exitRecordOf(exit))) ?? record;
}
