// ExecSync through `corral-helper exec`: output captured up to a cap per stream, and a timeout:
// SIGTERM makes the helper kill the command's process group; SIGKILL follows if it does not exit
// (the command then dies with it through PR_SET_PDEATHSIG).
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExecResult, ProcessSpec } from './contract';
import type { SealedProgram } from '../../native/sealed_program';
import { execMessage, type ExecTarget } from './messages';
import { InternalError } from '../errors';

export const EXEC_OUTPUT_CAP = 16 * 1024 * 1024;
const KILL_GRACE_MS = 2000;

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

function parseStatus(report: string, timedOut: boolean): number {
  const line = report.trim().split('\n').pop() ?? '';
  if (line.startsWith('exit ')) return Number(line.split(' ')[1]);
  if (timedOut) return 137; // killed by us, like SIGKILL
  throw new InternalError(`exec: ${line.replace(/^error /, '') || 'helper died without a report'}`);
}

export function runExecSync(
  helper: SealedProgram,
  target: ExecTarget,
  process: ProcessSpec,
  timeoutMs: number,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(helper.execPath(), ['exec'], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: {},
      argv0: helper.name,
    });
    const stdout = capture(child.stdout, EXEC_OUTPUT_CAP);
    const stderr = capture(child.stderr, EXEC_OUTPUT_CAP);
    const status = capture(child.stdio[3] as Readable, 4096);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
          }, timeoutMs)
        : undefined;
    child.on('error', (err) => reject(new InternalError(`exec helper: ${err.message}`, { cause: err })));
    child.on('close', () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      try {
        const exitCode = parseStatus(status().toString('utf8'), timedOut);
        resolve({ exitCode, stdout: stdout(), stderr: stderr(), timedOut });
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.on('error', () => {
      /* reported through 'close' */
    });
    try {
      // No stdin and no terminal: output is captured, nothing is streamed in.
      child.stdin.end(execMessage(target, { ...process, stdin: false, tty: false }));
    } catch (err) {
      child.kill('SIGKILL');
      reject(err);
    }
  });
}
