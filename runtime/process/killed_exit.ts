// The exit of a container's init after corrald SIGKILLed it. The monitor, its parent, normally
// collects it and writes the exit file within milliseconds. But a process tracing the init (a
// sibling container with CAP_SYS_PTRACE in a pod sharing its pid namespace) is told of the exit
// first, and until the tracer collects the zombie, or exits, the monitor cannot: waiting for the
// monitor's report would wait as long as the tracer likes. A killed init that is a zombie held by
// a tracer has exited; after HELD_ZOMBIE_GRACE_MS corrald writes that exit itself (137, SIGKILL)
// and ends the monitor, which has nothing left to watch. Its cgroup holds no process then: a
// zombie has left its cgroup, so the cgroup and the rootfs can go as after any exit.
import { setTimeout as sleep } from 'node:timers/promises';
import * as path from 'node:path';
import type { ExitInfo } from './contract';
import type { ContainerProcessState } from './bundle_state';
import { EXIT_FILE, readExitFile, rfc3339Nano } from './exit_file';
import { isAlive, isZombieHeldByTracer } from './proc_stat';
import { signalNumber } from './linux_names';
import { signalProcess } from './signal_process';
import { DeadlineExceededError } from '../errors';
import { writeFileAtomic } from '../store/atomic_file';

/** How long a killed init may sit as a tracer's zombie before corrald records its exit. */
export const HELD_ZOMBIE_GRACE_MS = 500;
/** How long after SIGKILL the exit may take at most (an init stuck in the kernel, a hung monitor). */
export const KILLED_EXIT_TIMEOUT_MS = 30_000;
const POLL_MS = 25;

/** The killed init's exit: the monitor's report, or the one corrald writes for a held zombie. */
export async function waitKilledExit(
  bundleDir: string,
  state: ContainerProcessState,
  waitReport: (signal: AbortSignal) => Promise<ExitInfo>,
): Promise<ExitInfo> {
  const abort = new AbortController();
  const report = waitReport(abort.signal);
  report.catch(() => undefined); // raced below; rejected by the abort at the end
  const started = Date.now();
  let heldSince: number | undefined;
  try {
    for (;;) {
      const exit = await Promise.race([report, sleep(POLL_MS, undefined)]);
      if (exit) return exit;
      const now = Date.now();
      heldSince = isZombieHeldByTracer(state.init) ? (heldSince ?? now) : undefined;
      if (heldSince !== undefined && now - heldSince >= HELD_ZOMBIE_GRACE_MS) {
        return await recordHeldExit(bundleDir, state, heldSince);
      }
      if (now - started >= KILLED_EXIT_TIMEOUT_MS) {
        throw new DeadlineExceededError(
          `container in ${bundleDir}: no exit ${KILLED_EXIT_TIMEOUT_MS / 1000} s after SIGKILL`,
        );
      }
    }
  } finally {
    abort.abort();
  }
}

/** Writes the killed exit (unless the monitor reported meanwhile) and ends the monitor. */
async function recordHeldExit(bundleDir: string, state: ContainerProcessState, since: number): Promise<ExitInfo> {
  const reported = await readExitFile(bundleDir);
  if (reported) return reported;
  const exit: ExitInfo = { exitCode: 137, signal: 'SIGKILL', finishedAt: rfc3339Nano(new Date(since)) };
  // Written before the monitor dies: an exit watcher woken by its death must find it.
  await writeFileAtomic(
    path.join(bundleDir, EXIT_FILE),
    `exit_code=137\nsignal=SIGKILL\nfinished_at=${exit.finishedAt}\n`,
  );
  await signalProcess(state.monitor, signalNumber('SIGKILL'));
  for (const end = Date.now() + KILLED_EXIT_TIMEOUT_MS; (await isAlive(state.monitor)) && Date.now() < end;) {
    await sleep(POLL_MS);
  }
  return exit;
}
