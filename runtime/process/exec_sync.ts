// ExecSync through `corral-helper exec`: output captured up to a cap per stream, and a timeout:
// SIGTERM makes the helper kill the command's process group; SIGKILL follows if it does not exit
// (the command then dies with it through PR_SET_PDEATHSIG).
//
// The result is the exec process's own exit, reported by the helper on fd 3 (exec_report.ts).
// The helper is reaped once fd 3 reached EOF (piped_helper.ts), so its report is whole by then. A descendant that left the process group (`setsid sleep
// 600 &`) may still hold the output pipes: once the helper exited, output is drained for DRAIN_MS
// at most, then the pipes are closed and the call returns. So ExecSync always returns by timeout +
// KILL_GRACE_MS + DRAIN_MS, and holds no fd afterwards.
// Escaped descendants are left to the container, as runc leaves them (docs/limits.md).
import type { Readable } from 'node:stream';
import type { SealedProgram } from '../../native/sealed_program';
import type { ExecResult, ProcessSpec } from './contract';
import { execExitCode, type HelperEnd } from './exec_report';
import { execMessage, type ExecTarget } from './messages';
import { InternalError } from '../errors';
import { closedOf, startPipedHelper, type PipedHelper } from './piped_helper';

export const EXEC_OUTPUT_CAP = 16 * 1024 * 1024;
/** The helper kills the group as soon as it gets SIGTERM; this is for a helper that cannot. */
const KILL_GRACE_MS = 500;
/** After the exec process exited: how long output still in flight is read (containerd's
 *  drain_exec_sync_io_timeout, bounded here). */
export const DRAIN_MS = 500;

/** Collects a stream, keeping at most `cap` bytes (the rest is read and dropped). */
function capture(stream: Readable, cap: number): () => Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= cap) return;
    const kept = chunk.subarray(0, cap - size);
    chunks.push(kept);
    size += kept.length;
  });
  return () => Buffer.concat(chunks);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new InternalError(String(err));
}

/** Closes every pipe to the helper (ours ends; whoever else holds theirs gets EPIPE/EOF). */
function closePipes(child: PipedHelper): void {
  for (const stream of [child.stdin, child.stdout, child.stderr, child.report]) stream.destroy();
}

export function runExecSync(
  helper: SealedProgram,
  target: ExecTarget,
  process: ProcessSpec,
  timeoutMs: number,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let child: PipedHelper;
    try {
      child = startPipedHelper(helper, 'exec');
    } catch (err) {
      reject(new InternalError(`exec helper: ${asError(err).message}`, { cause: err }));
      return;
    }
    const stdout = capture(child.stdout, EXEC_OUTPUT_CAP);
    const stderr = capture(child.stderr, EXEC_OUTPUT_CAP);
    const status = capture(child.report, 4096);
    let timedOut = false;
    let settled = false;
    let end: HelperEnd = null;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    const finish = () => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      closePipes(child);
      try {
        const exitCode = execExitCode(status().toString('utf8'), end, timedOut);
        resolve({ exitCode, stdout: stdout(), stderr: stderr(), timedOut });
      } catch (err) {
        reject(asError(err));
      }
    };
    if (timeoutMs > 0) {
      later(timeoutMs, () => {
        timedOut = true;
        child.kill('SIGTERM');
        later(KILL_GRACE_MS, () => child.kill('SIGKILL'));
      });
    }
    // Finished once the helper is reaped and its output pipes reached EOF; at most DRAIN_MS after
    // its exit when an escaped process still holds one.
    const outputsClosed = Promise.all([child.stdout, child.stderr].map(closedOf));
    child.ended.then(
      (helperEnd) => {
        end = helperEnd;
        later(DRAIN_MS, finish);
        void outputsClosed.then(finish);
      },
      (err: unknown) => {
        settled = true;
        timers.forEach(clearTimeout);
        closePipes(child);
        reject(new InternalError(`exec helper: ${asError(err).message}`, { cause: err }));
      },
    );
    child.stdin.on('error', () => {
      /* the helper's end shows in its report */
    });
    try {
      // No stdin and no terminal: output is captured, nothing is streamed in.
      child.stdin.end(execMessage(target, { ...process, stdin: false, tty: false }));
    } catch (err) {
      child.kill('SIGKILL');
      closePipes(child);
      settled = true;
      reject(asError(err));
    }
  });
}
