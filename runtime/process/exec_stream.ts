// Streaming Exec through `corral-helper exec`: the command's stdio stays connected to the client
// for as long as it runs. Without a tty, stdout and stderr are the helper's pipes and stdin comes
// on fd 4; with a tty, corrald opens a pty from the container's own devpts (so the command sees
// /dev/pts/<n>, as under runc) and the helper makes its slave (fd 4) the command's terminal. The exit status arrives on fd 3 as for ExecSync.
import { spawn, type StdioOptions as SpawnStdio } from 'node:child_process';
import * as fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { InternalError } from '../errors';
import { openPtyInRoot, type PtyPair } from '../../native/pty';
import { openContainerRoot } from './container_root';
import type { StdioOptions, StreamedExec } from '../streaming/contract';
import { ptyIo } from '../streaming/pty_io';
import type { ProcessSpec } from './contract';
import type { SealedProgram } from '../../native/sealed_program';
import { execExitCode } from './exec_report';
import { execMessage, type ExecTarget } from './messages';

const KILL_GRACE_MS = 2000;

export function startExecStream(
  helper: SealedProgram,
  target: ExecTarget,
  process: ProcessSpec,
  options: StdioOptions,
): StreamedExec {
  const spec = { ...process, tty: options.tty, stdin: options.stdin && !options.tty, stdinOnce: false };
  const pty = options.tty ? containerPty(target) : undefined;
  const stdio: SpawnStdio = pty
    ? ['pipe', 'ignore', 'ignore', 'pipe', pty.slave]
    : [
        'pipe',
        options.stdout ? 'pipe' : 'ignore',
        options.stderr ? 'pipe' : 'ignore',
        'pipe',
        options.stdin ? 'pipe' : 'ignore',
      ];
  let child;
  try {
    child = spawn(helper.execPath(), ['exec'], { stdio, env: {}, argv0: helper.name });
  } finally {
    if (pty) fs.closeSync(pty.slave);
  }
  const terminal = pty ? ptyIo(pty.master) : undefined;
  const status = collect(child.stdio[3] as Readable);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (err) => reject(new InternalError(`exec helper: ${err.message}`, { cause: err })));
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      try {
        resolve(execExitCode(status(), { code, signal }));
      } catch (err) {
        reject(err);
      }
    });
  });
  exited.catch(() => undefined);
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(execMessage(target, spec));
  let killTimer: NodeJS.Timeout | undefined;
  void exited.finally(() => clearTimeout(killTimer)).catch(() => undefined);
  return {
    stdin: terminal ? (options.stdin ? terminal.stdin : undefined) : ((child.stdio[4] as Writable | null) ?? undefined),
    stdout: terminal ? terminal.stdout : (child.stdout ?? undefined),
    stderr: terminal ? undefined : (child.stderr ?? undefined),
    resize: (size) => terminal?.resize(size),
    exited,
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM: the helper kills the command's process group; SIGKILL if it lingers.
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      terminal?.close();
    },
  };
}

function containerPty(target: ExecTarget): PtyPair {
  const root = openContainerRoot({ pid: target.pid, startTime: target.startTime });
  try {
    return openPtyInRoot(root);
  } finally {
    fs.closeSync(root);
  }
}

function collect(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    if (text.length < 4096) text += chunk.toString('utf8');
  });
  return () => text;
}
