// Ending a container's processes: the stop signal, then SIGKILL to the whole tree after the
// grace period (killAll on its cgroup, so nothing forked escapes), then the exit is recorded.
import { moduleLogger } from '../log';
import { StepTimer } from '../step_timer';
import { timerMs } from '../timer_ms';
import type { ExitInfo } from '../process/contract';
import type { ContainerDeps } from './container_deps';
import { exitRecordOf, recordExit } from './container_exit';
import type { ContainerRecord } from './container_record';

const log = moduleLogger('container');

/** The exit, or undefined when it did not come within `ms`. */
async function waitExitWithin(deps: ContainerDeps, bundleDir: string, ms: number): Promise<ExitInfo | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    return await deps.processes.waitExit(bundleDir, abort.signal);
  } catch (err) {
    if (abort.signal.aborted) return undefined;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function sendSignal(deps: ContainerDeps, record: ContainerRecord, signal: string): Promise<void> {
  try {
    await deps.processes.signal(record.meta.bundleDir, signal);
  } catch (err) {
    // Usually: it exited between our check and the signal. waitExit tells.
    log.debug('signal not delivered', { id: record.id, signal, error: (err as Error).message });
  }
}

async function killTree(deps: ContainerDeps, record: ContainerRecord): Promise<void> {
  await sendSignal(deps, record, 'SIGKILL');
  await deps.cgroups.open(record.meta.cgroupPath).killAll();
}

/** Stops the container's processes and records the exit; `timeoutSeconds` ≤ 0 kills at once. */
export async function stopProcesses(
  deps: ContainerDeps,
  record: ContainerRecord,
  timeoutSeconds: number,
): Promise<void> {
  const timer = new StepTimer(log, 'StopContainer', { container: record.id });
  let exit: ExitInfo | undefined;
  if (timeoutSeconds > 0 && record.status.state === 'running') {
    await timer.step('signalled', sendSignal(deps, record, record.meta.stopSignal));
    exit = await timer.step('exited', waitExitWithin(deps, record.meta.bundleDir, timerMs(timeoutSeconds)));
  }
  if (!exit) {
    await timer.step('killed', killTree(deps, record));
    exit = await timer.step('exited', deps.processes.waitKilledExit(record.meta.bundleDir));
  } else if (record.meta.spec.namespaces.pid.mode !== 'new') {
    // With its own pid namespace the kernel ends the rest when the init exits; in a shared one
    // what the init left behind must be killed.
    await timer.step('rest killed', deps.cgroups.open(record.meta.cgroupPath).killAll());
  }
  await timer.step('recorded', recordExit(deps, record.id, exitRecordOf(exit)));
  timer.done();
}
