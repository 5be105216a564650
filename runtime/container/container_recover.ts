// After corrald starts: the stored containers reconciled with their monitors. An exit that
// happened while corrald was down is recorded with its real code; a container whose monitor is
// gone without an exit record is recorded as exited (255), never reported running.
import { nowNs } from '../clock';
import { moduleLogger } from '../log';
import type { ContainerDeps } from './container_deps';
import { exitRecordOf, recordExit } from './container_exit';

const log = moduleLogger('container');

export const LOST_MONITOR_EXIT_CODE = 255;

export interface ContainerRecovery { live: string[]; exited: string[]; lost: string[] }

export async function recoverContainers(deps: ContainerDeps): Promise<ContainerRecovery> {
  const result: ContainerRecovery = { live: [], exited: [], lost: [] };
  for (const record of deps.store.list()) {
    if (record.status.state === 'exited') continue;
    const exit = await deps.processes.readExit(record.meta.bundleDir);
    if (exit) {
      await recordExit(deps, record.id, exitRecordOf(exit));
      result.exited.push(record.id);
    } else if (await deps.processes.isMonitorAlive(record.meta.bundleDir)) {
      result.live.push(record.id);
    } else {
      await recordExit(deps, record.id, {
        exitCode: LOST_MONITOR_EXIT_CODE, finishedAt: nowNs(), reason: 'Error',
        message: 'the container monitor ended without an exit record while corrald was down',
      });
      result.lost.push(record.id);
    }
  }
  if (result.lost.length > 0) log.warn('containers lost their monitor', { ids: result.lost });
  return result;
}
