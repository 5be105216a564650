// A streaming backend that runs commands as plain host processes: for testing and measuring the
// streaming protocols without containers. "Containers" are names registered with a long-running
// host process (for attach); "sandboxes" map to a network namespace path (or the host's loopback).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { constants as osConstants } from 'node:os';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { NotFoundError } from '../../errors';
import { openPty } from '../../../native/pty';
import type { ExecOptions, StdioOptions, StreamedAttach, StreamedExec, StreamingBackend } from '../contract';
import { dialInNetns } from '../netns_dial';
import { ptyIo } from '../pty_io';

export class HostProcessBackend implements StreamingBackend {
  private readonly containers = new Map<string, ChildProcess | undefined>();
  private readonly sandboxes = new Map<string, string | undefined>();

  /** Registers a container id; with `main`, attach connects to that process's piped stdio. */
  addContainer(id: string, main?: ChildProcess): void {
    this.containers.set(id, main);
  }

  /** Registers a sandbox id; port-forward dials inside `netnsPath`, or the host's loopback without it. */
  addSandbox(id: string, netnsPath?: string): void {
    this.sandboxes.set(id, netnsPath);
  }

  async runningContainer(containerId: string): Promise<string> {
    if (!this.containers.has(containerId)) throw new NotFoundError(`container ${containerId} not found`);
    return containerId;
  }

  async readySandbox(podSandboxId: string): Promise<string> {
    if (!this.sandboxes.has(podSandboxId)) throw new NotFoundError(`pod sandbox ${podSandboxId} not found`);
    return podSandboxId;
  }

  async exec(containerId: string, options: ExecOptions): Promise<StreamedExec> {
    await this.runningContainer(containerId);
    return options.tty ? execWithPty(options) : execWithPipes(options);
  }

  async attach(containerId: string, options: StdioOptions): Promise<StreamedAttach> {
    const main = this.containers.get(await this.runningContainer(containerId));
    if (!main) throw new NotFoundError(`container ${containerId} has no attachable process`);
    return attachToProcess(main, options);
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const netnsPath = this.sandboxes.get(await this.readySandbox(podSandboxId));
    if (netnsPath) return dialInNetns(netnsPath, port);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(socket));
      socket.once('error', reject);
    });
  }
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
    child.once('error', () => resolve(127));
  });
}

function execWithPipes(options: ExecOptions): StreamedExec {
  const child = spawn(options.cmd[0], options.cmd.slice(1), {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', options.stderr ? 'pipe' : 'ignore'],
  });
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    resize: () => undefined,
    exited: exitCodeOf(child),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The process gets a new session with the pty as its controlling terminal (setsid -c). */
function execWithPty(options: ExecOptions): StreamedExec {
  const { master, slave } = openPty();
  let child: ChildProcess;
  try {
    child = spawn('setsid', ['-c', ...options.cmd], { stdio: [slave, slave, slave] });
  } finally {
    fs.closeSync(slave);
  }
  const pty = ptyIo(master);
  return {
    stdin: options.stdin ? pty.stdin : undefined,
    stdout: pty.stdout,
    resize: (size) => pty.resize(size),
    exited: exitCodeOf(child),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      pty.close();
    },
  };
}

function attachToProcess(main: ChildProcess, options: StdioOptions): StreamedAttach {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const onOut = (chunk: Buffer) => stdout.write(chunk);
  const onErr = (chunk: Buffer) => stderr.write(chunk);
  main.stdout?.on('data', onOut);
  main.stderr?.on('data', onErr);
  const ended = new Promise<void>((resolve) => {
    if (main.exitCode !== null || main.signalCode !== null) resolve();
    else main.once('exit', () => resolve());
  });
  const detach = () => {
    main.stdout?.off('data', onOut);
    main.stderr?.off('data', onErr);
    stdout.end();
    stderr.end();
  };
  void ended.then(detach);
  // Closing an attach's stdin leaves the container's stdin open (no stdinOnce here).
  const stdin = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      main.stdin?.write(chunk);
      done();
    },
  });
  return {
    stdin: options.stdin ? stdin : undefined,
    stdout: options.stdout ? stdout : undefined,
    stderr: options.stderr && !options.tty ? stderr : undefined,
    resize: () => undefined,
    ended,
    detach,
  };
}
