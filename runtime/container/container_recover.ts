// After corrald starts: the stored containers reconciled with their monitors. An exit that
// happened while corrald was down is recorded with its real code; a container whose monitor is
// gone without an exit record is recorded as exited (255), never reported running.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nowNs } from '../clock';
import { moduleLogger } from '../log';
import { removeDirWithMountPoints } from '../safe_remove';
import { inBatches } from '../store/in_batches';
import type { ContainerDeps } from './container_deps';
import { exitRecordOf, recordExit } from './container_exit';
import { releaseImageVolumes } from './image_volumes';

const log = moduleLogger('container');

export const LOST_MONITOR_EXIT_CODE = 255;

export interface ContainerRecovery {
  live: string[];
  exited: string[];
  lost: string[];
}

export async function recoverContainers(deps: ContainerDeps): Promise<ContainerRecovery> {
  const result: ContainerRecovery = { live: [], exited: [], lost: [] };
  const unfinished = deps.store.list().filter((record) => record.status.state !== 'exited');
  await inBatches(unfinished, async (record) => {
    const exit = await deps.processes.readExit(record.meta.bundleDir);
    if (exit) {
      await recordExit(deps, record.id, exitRecordOf(exit));
      result.exited.push(record.id);
    } else if (await deps.processes.isMonitorAlive(record.meta.bundleDir)) {
      result.live.push(record.id);
    } else {
      await recordExit(deps, record.id, {
        exitCode: LOST_MONITOR_EXIT_CODE,
        finishedAt: nowNs(),
        reason: 'Error',
        message: 'the container monitor ended without an exit record while corrald was down',
      });
      result.lost.push(record.id);
    }
  });
  if (result.lost.length > 0) log.warn('containers lost their monitor', { ids: result.lost });
  return result;
}

/**
 * Container directories with no record: a create that corrald did not finish (it crashed before
 * storing the record; the cgroup and the monitor come after it). Their rootfs and snapshot (and
 * any monitor an older corrald started) are taken away.
 */
export async function sweepOrphanContainers(deps: ContainerDeps): Promise<string[]> {
  const names = await fs.readdir(deps.containersDir).catch(() => [] as string[]);
  const orphans = names.filter((id) => !deps.store.get(id));
  for (const id of orphans) {
    const dir = path.join(deps.containersDir, id);
    const rootfs = path.join(dir, 'rootfs');
    if (await deps.processes.isMonitorAlive(dir)) {
      await deps.processes.signal(dir, 'SIGKILL').catch(() => undefined);
      await deps.processes.waitKilledExit(dir);
    }
    await deps.processes.cleanup(dir);
    await releaseImageVolumes(deps, id, dir);
    await deps.snapshots.unmount(rootfs);
    await deps.snapshots.remove(id);
    await removeDirWithMountPoints(dir, [rootfs]);
  }
  if (orphans.length > 0) log.warn('removed containers a crash left half-made', { ids: orphans });
  return orphans;
}
