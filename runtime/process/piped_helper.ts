// A `corral-helper` run started without forking corrald (native/pipe_spawn.ts): its stdin,
// stdout, stderr and fd 3 are pipes, shown here as streams; its end is known by reaping it once
// fd 3, which only the helper holds (its command closes every fd above 2), reached EOF.
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { reapIfExited, spawnWithPipes, type ChildEnd } from '../../native/pipe_spawn';
import type { SealedProgram } from '../../native/sealed_program';

/** Between EOF and the exit the helper is still closing down: a few microseconds, rarely more. */
const REAP_RETRY_MAX_MS = 50;

export interface PipedHelper {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  report: Readable;
  /** Resolves with how the helper ended, once it is reaped. */
  ended: Promise<ChildEnd>;
  /** Signals the helper; nothing once it is reaped (its pid may be another process's by then). */
  kill(signal: NodeJS.Signals): void;
}

export function startPipedHelper(helper: SealedProgram, command: string): PipedHelper {
  const { pid, fds } = spawnWithPipes(helper.execPath(), [helper.name, command], 4);
  const [stdin, stdout, stderr, report] = fds.map(
    (fd, index) => new Socket({ fd, readable: index > 0, writable: index === 0 }),
  );
  let reaped = false;
  const ended = new Promise<ChildEnd>((resolve, reject) => {
    const reap = (waitMs: number) => {
      try {
        const end = reapIfExited(pid);
        if (end) {
          reaped = true;
          resolve(end);
        } else {
          setTimeout(() => reap(Math.min(waitMs * 2, REAP_RETRY_MAX_MS)), waitMs);
        }
      } catch (err) {
        reject(err);
      }
    };
    report.once('close', () => reap(1));
  });
  const kill = (signal: NodeJS.Signals) => {
    if (!reaped) process.kill(pid, signal);
  };
  return { stdin, stdout, stderr, report, ended, kill };
}
