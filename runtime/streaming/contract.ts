// What the streaming server (server/streaming/) needs from the runtime to serve Exec, Attach and
// PortForward. The streaming server owns the wire protocols; an implementation of this owns the
// processes, ptys, the monitor's stdio and the pod's network namespace.
import type { Duplex, Readable, Writable } from 'node:stream';

export interface TerminalSize {
  width: number;
  height: number;
}

/** Which of the process's stdio the client asked for. With tty, stdout carries the pty and there is no stderr. */
export interface StdioOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecOptions extends StdioOptions {
  cmd: string[];
}

/** The client's view of a process: a stream exists exactly for each option asked for. */
export interface StreamedIo {
  /** end() means the client closed its stdin (half-close); a pty backend may turn it into VEOF. */
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  /** Applies a terminal size to the pty; ignored without tty. */
  resize(size: TerminalSize): void;
}

export interface StreamedExec extends StreamedIo {
  /** Resolves with the exit code (128+n when killed by signal n) once the process has exited. */
  exited: Promise<number>;
  /** The client went away: end the process and release every fd it held. Idempotent. */
  kill(): void;
}

export interface StreamedAttach extends StreamedIo {
  /** Resolves when the container has exited or the attachment was ended by the monitor. */
  ended: Promise<void>;
  /** The client went away: release the attachment; the container keeps running. Idempotent. */
  detach(): void;
}

export interface StreamingBackend {
  /** The full id of a running container; NotFoundError when unknown, FailedPreconditionError when not running. */
  runningContainer(containerId: string): Promise<string>;
  /** The full id of a ready pod sandbox; NotFoundError when unknown, FailedPreconditionError when not ready. */
  readySandbox(podSandboxId: string): Promise<string>;
  /** Starts `cmd` inside the container (its namespaces and cgroup), with a pty when options.tty. */
  exec(containerId: string, options: ExecOptions): Promise<StreamedExec>;
  /** Connects to the stdio of the container's main process (served by its monitor). */
  attach(containerId: string, options: StdioOptions): Promise<StreamedAttach>;
  /** A TCP connection to `port` on the pod's loopback, opened inside the pod's network namespace. */
  portForward(podSandboxId: string, port: number): Promise<Duplex>;
}
