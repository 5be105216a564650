// What a `corral-helper exec` run ended with: its fd 3 report ("exit <code> [<signal>]" or
// "error <why>") read together with how the helper process itself ended.
//
// A helper SIGKILLed before it could report (the container's cgroup killed by StopContainer,
// StopPodSandbox or the OOM killer: the helper joined that cgroup) took its command with it
// (PR_SET_PDEATHSIG, exec.c): the command was killed by SIGKILL, so the exec's status is 137, as
// runc reports for an exec killed with its container.
import { InternalError } from '../errors';

/** How the helper process ended, as node saw it; null while it has not exited. */
export type HelperEnd = { code: number | null; signal: NodeJS.Signals | null } | null;

const KILLED_STATUS = 137;

function describeEnd(end: HelperEnd): string {
  if (!end) return 'it had not exited';
  return end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`;
}

/** The exec's exit status; `timedOut`: corrald itself killed it (ExecSync's timeout). */
export function execExitCode(report: string, end: HelperEnd, timedOut = false): number {
  const line = report.trim().split('\n').pop() ?? '';
  if (line.startsWith('exit ')) return Number(line.split(' ')[1]);
  if (line.startsWith('error ')) throw new InternalError(`exec: ${line.slice('error '.length)}`);
  if (timedOut || end?.signal === 'SIGKILL') return KILLED_STATUS;
  throw new InternalError(`exec: the helper ended without a report (${describeEnd(end)})`);
}
