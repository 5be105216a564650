// Streaming exec through `corral-helper exec`: fd 0 carries the spec, fd 1/2 the command's output,
// fd 3 the exit report, fd 4 the command's stdin, fd 5 terminal resizes (see corral-helper/exec.c).
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { ExecStream, ProcessSpec } from './contract';
import { execMessage, type ExecTarget } from './messages';
import { InternalError } from '../errors';

const KILL_GRACE_MS = 2000;

/** The exit code from the helper's fd-3 report ("exit <code> [SIG…]" or "error <why>"). */
export function parseExecReport(report: string): number {
  const line = report.trim().split('\n').pop() ?? '';
  if (line.startsWith('exit ')) return Number(line.split(' ')[1]);
  throw new InternalError(`exec: ${line.replace(/^error /, '') || 'helper died without a report'}`);
}

export function startExecStream(helper: string, target: ExecTarget, process: ProcessSpec): ExecStream {
  const stdio = ['pipe', 'pipe', process.tty ? 'ignore' : 'pipe', 'pipe', process.stdin ? 'pipe' : 'ignore',
    process.tty ? 'pipe' : 'ignore'] as const;
  const child = spawn(helper, ['exec'], { stdio: [...stdio] });
  const fds = child.stdio as unknown as Array<Readable | Writable | null>;
  const spec = fds[0] as Writable;
  const stdout = fds[1] as Readable;
  const report: Buffer[] = [];
  (fds[3] as Readable).on('data', (chunk: Buffer) => report.push(chunk));
  const resizes = fds[5] as Writable | null;
  resizes?.on('error', () => { /* the helper is gone */ });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(new InternalError(`exec helper: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (signal) return resolve(128 + (signal === 'SIGKILL' ? 9 : 15));
      try {
        resolve(parseExecReport(Buffer.concat(report).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
  });
  spec.on('error', () => { /* reported through exited */ });
  spec.end(execMessage(target, process));
  let killed = false;
  return {
    stdin: (fds[4] as Writable | null) ?? undefined,
    stdout,
    stderr: (fds[2] as Readable | null) ?? undefined,
    resize: (size) => { if (process.tty) resizes?.write(`${size.width} ${size.height}\n`); },
    exited,
    kill: () => {
      if (killed) return;
      killed = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    },
  };
}
