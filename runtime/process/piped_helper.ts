// Native programs started without forking corrald (native/pipe_spawn.ts): their stdin, stdout,
// stderr (and for `corral-helper exec` fd 3) are pipes, shown here as streams; a program's end is
// known by reaping it once the pipes only it holds reached EOF.
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { reapIfExited, spawnWithPipes, type ChildEnd } from '../../native/pipe_spawn';
import type { SealedProgram } from '../../native/sealed_program';

/** Between EOF and the exit the program is still closing down: a few microseconds, rarely more. */
const REAP_RETRY_MAX_MS = 50;

export interface PipedProgram {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** fd 3 for `pipes` 4. */
  report?: Readable;
}

export interface PipedHelper extends PipedProgram {
  report: Readable;
  /** Resolves with how the helper ended, once it is reaped. */
  ended: Promise<ChildEnd>;
  /** Signals the helper; nothing once it is reaped (its pid may be another process's by then). */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `program` with `pipes` pipes as fds 0.. and `extraFds` after them. */
export function startPiped(
  program: SealedProgram,
  args: string[],
  pipes: 3 | 4,
  extraFds: number[] = [],
): PipedProgram {
  const { pid, fds } = spawnWithPipes(program.execPath(), [program.name, ...args], pipes, extraFds);
  const [stdin, stdout, stderr, report] = fds.map(
    (fd, index) => new Socket({ fd, readable: index > 0, writable: index === 0 }),
  );
  return { pid, stdin, stdout, stderr, report };
}

/** Resolves once `stream` has closed (at once if it already has). */
export function closedOf(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) resolve();
    else stream.once('close', () => resolve());
  });
}

/** Reaps `pid` once `stream` closed, retrying until the program has exited. */
export function reapAfterClose(pid: number, stream: Readable): Promise<ChildEnd> {
  return new Promise<ChildEnd>((resolve, reject) => {
    const reap = (waitMs: number) => {
      try {
        const end = reapIfExited(pid);
        if (end) resolve(end);
        else setTimeout(() => reap(Math.min(waitMs * 2, REAP_RETRY_MAX_MS)), waitMs);
      } catch (err) {
        reject(err);
      }
    };
    void closedOf(stream).then(() => reap(1));
  });
}

/** `corral-helper <command>` with fd 3 for its report, which only the helper holds (its command
 *  closes every fd above 2): its EOF is the helper's end. */
export function startPipedHelper(helper: SealedProgram, command: string): PipedHelper {
  const started = startPiped(helper, [command], 4);
  const report = started.report!;
  let reaped = false;
  const ended = reapAfterClose(started.pid, report).then((end) => {
    reaped = true;
    return end;
  });
  const kill = (signal: NodeJS.Signals) => {
    if (!reaped) process.kill(started.pid, signal);
  };
  return { ...started, report, ended, kill };
}
