// ProcessRuntime on the native monitor (one per container) and helper (exec).
import { promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';
import type {
  ContainerSpec,
  CreatedContainer,
  ExecResult,
  ExitInfo,
  ProcessRuntime,
  ProcessSpec,
  StartedContainer,
} from './contract';
import {
  CONTAINER_STATE_FILE,
  type ContainerProcessState,
  MONITOR_PROTOCOL,
  readState,
  writeState,
} from './bundle_state';
import { EXIT_FILE, readExitFile, writeLostExit } from './exit_file';
import { runExecSync } from './exec_sync';
import { startExecStream } from './exec_stream';
import type { StdioOptions, StreamedAttach, StreamedExec } from '../streaming/contract';
import { attachToMonitor } from './attach_stream';
import { signalNumber } from './linux_names';
import { containerMessage } from './messages';
import { CONTROL_SOCKET, MAX_SOCKET_PATH, controlSocketPath, monitorCommand, waitMonitorClose } from './monitor_client';
import { isAlive, processRef } from './proc_stat';
import { waitKilledExit } from './killed_exit';
import { runNative } from './run_native';
import { sharedEmptyRootNamespace } from './empty_root_namespace';
import { signalProcess } from './signal_process';
import { FailedPreconditionError, InternalError, InvalidArgumentError, NotFoundError } from '../errors';
import { nativeProgram } from '../../native/helper_path';
import { SealedProgram } from '../../native/sealed_program';

export interface NativeProcessRuntimeOptions {
  /** Defaults to the built dist/native/corral-monitor and corral-helper. */
  monitorPath?: string;
  helperPath?: string;
  /** false: never mount a joined pid namespace's /proc with fsconfig "pidns" (Linux 6.15+), as on
   *  older kernels (config proc_pidns_fsconfig; for tests of that path). Default true. */
  procPidnsFsconfig?: boolean;
}

/** Both programs run from sealed copies (native/sealed_program.ts): a container sees the
 *  monitor's fork (its init) and the exec helper's before they execve. */
export class NativeProcessRuntime implements ProcessRuntime {
  private readonly monitor: SealedProgram;
  private readonly helper: SealedProgram;
  private readonly procPidnsFsconfig: boolean;

  constructor(options: NativeProcessRuntimeOptions = {}) {
    this.monitor = new SealedProgram(options.monitorPath ?? nativeProgram('corral-monitor'));
    this.helper = new SealedProgram(options.helperPath ?? nativeProgram('corral-helper'));
    this.procPidnsFsconfig = options.procPidnsFsconfig ?? true;
  }

  /**
   * The monitor is spawned at once and reads its spec when it is ready: a fork of corrald blocks
   * its event loop for milliseconds (more as corrald grows), better spent while the spec is made.
   */
  async create(specOrLater: ContainerSpec | Promise<ContainerSpec>): Promise<CreatedContainer> {
    const prepared = Promise.resolve(specOrLater).then(async (spec) => {
      await prepareBundle(spec);
      return spec;
    });
    prepared.catch(() => undefined); // awaited below
    // The init's mount namespace starts from a copy of the empty-root one, not of the host's.
    const mountBase = await sharedEmptyRootNamespace(this.helper);
    const report = runNative(
      this.monitor,
      mountBase ? ['mount-base'] : [],
      prepared.then((spec) => containerMessage(spec, this.procPidnsFsconfig)),
      mountBase ? [mountBase.fd] : [],
    );
    report.catch(() => undefined); // awaited below; a monitor without a spec just ends
    let spec: ContainerSpec;
    try {
      spec = await prepared;
    } catch (err) {
      await report.catch(() => undefined);
      throw err;
    }
    const [monitorPid, initPid] = (await report).map(Number);
    const monitor = await processRef(monitorPid);
    const init = await processRef(initPid);
    if (!monitor || !init) throw new InternalError(`container ${spec.id}: monitor or init vanished right after create`);
    await writeState(spec.bundleDir, CONTAINER_STATE_FILE, {
      version: 1,
      monitorProtocol: MONITOR_PROTOCOL,
      monitor,
      init,
      cgroupProcsFiles: spec.cgroupProcsFiles,
      id: spec.id,
    });
    return { monitor, init };
  }

  async start(bundleDir: string): Promise<StartedContainer> {
    const { monitor, init } = await this.state(bundleDir);
    const [startedAt] = await monitorCommand(bundleDir, 'start');
    return { startedAt, monitor, init };
  }

  /** A container that has already exited is not an error: there is nothing left to signal. */
  async signal(bundleDir: string, signal: string): Promise<void> {
    const number = signalNumber(signal);
    await signalProcess((await this.state(bundleDir)).init, number);
  }

  readExit(bundleDir: string): Promise<ExitInfo | undefined> {
    return readExitFile(bundleDir);
  }

  async waitExit(bundleDir: string, signal?: AbortSignal): Promise<ExitInfo> {
    const state = await this.state(bundleDir);
    for (let waits = 0; ; waits++) {
      const exit = await readExitFile(bundleDir);
      if (exit) return exit;
      signal?.throwIfAborted();
      if (!(await isAlive(state.monitor))) return (await readExitFile(bundleDir)) ?? this.lost(bundleDir, state);
      // The monitor writes the exit file before it closes its connections and unlinks its socket,
      // so the read right after a wait finds it. A wait that ended without it (no connection to
      // be had: the monitor at its client limit) is retried after a pause, not in a busy loop.
      if (waits > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await waitMonitorClose(bundleDir, signal);
    }
  }

  async waitKilledExit(bundleDir: string): Promise<ExitInfo> {
    const state = await this.state(bundleDir);
    return waitKilledExit(bundleDir, state, (signal) => this.waitExit(bundleDir, signal));
  }

  async reopenLog(bundleDir: string): Promise<void> {
    await this.state(bundleDir);
    await monitorCommand(bundleDir, 'reopen').catch((err: unknown) => {
      // The monitor refuses what is no longer a regular file at the log path (a symlink, a FIFO).
      if (err instanceof InternalError) throw new FailedPreconditionError(err.message, { cause: err });
      throw err;
    });
  }

  async execSync(bundleDir: string, process: ProcessSpec, timeoutMs: number): Promise<ExecResult> {
    const state = await this.state(bundleDir);
    if (!(await isAlive(state.init))) throw new FailedPreconditionError(`container in ${bundleDir} is not running`);
    return runExecSync(
      this.helper,
      { ...state.init, cgroupProcsFiles: state.cgroupProcsFiles, containerId: state.id },
      process,
      timeoutMs,
    );
  }

  async execStream(bundleDir: string, process: ProcessSpec, options: StdioOptions): Promise<StreamedExec> {
    const state = await this.state(bundleDir);
    if (!(await isAlive(state.init))) throw new FailedPreconditionError(`container in ${bundleDir} is not running`);
    return startExecStream(
      this.helper,
      { ...state.init, cgroupProcsFiles: state.cgroupProcsFiles, containerId: state.id },
      process,
      options,
    );
  }

  async attachStream(bundleDir: string, options: StdioOptions, stdinOnce: boolean): Promise<StreamedAttach> {
    const state = await this.state(bundleDir);
    if (!(await isAlive(state.init))) throw new FailedPreconditionError(`container in ${bundleDir} is not running`);
    return attachToMonitor(bundleDir, options, stdinOnce);
  }

  async isMonitorAlive(bundleDir: string): Promise<boolean> {
    const state = await readState<ContainerProcessState>(bundleDir, CONTAINER_STATE_FILE);
    return state !== undefined && isAlive(state.monitor);
  }

  async cleanup(bundleDir: string): Promise<void> {
    // Corral's own small files: blocking unlinks, not four thread-pool round trips.
    for (const name of [EXIT_FILE, `.${EXIT_FILE}.tmp`, CONTROL_SOCKET, CONTAINER_STATE_FILE]) {
      rmSync(path.join(bundleDir, name), { force: true });
    }
  }

  /** The monitor died without an exit record: nobody holds the init's output or status any more,
   *  so end it rather than leave an unmanaged process running. */
  private async lost(bundleDir: string, state: ContainerProcessState): Promise<ExitInfo> {
    await signalProcess(state.init, signalNumber('SIGKILL'));
    return writeLostExit(bundleDir);
  }

  private async state(bundleDir: string): Promise<ContainerProcessState> {
    const state = await readState<ContainerProcessState>(bundleDir, CONTAINER_STATE_FILE);
    if (!state) throw new NotFoundError(`no container process in ${bundleDir}`);
    return state;
  }
}

/** Bundle and log directories, and the host paths of bind mounts kubelet expects created. */
async function prepareBundle(spec: ContainerSpec): Promise<void> {
  if (
    !path.isAbsolute(spec.bundleDir) ||
    !path.isAbsolute(spec.rootfs) ||
    (spec.logPath && !path.isAbsolute(spec.logPath))
  ) {
    throw new InvalidArgumentError('bundleDir, rootfs and logPath must be absolute paths');
  }
  if (Buffer.byteLength(controlSocketPath(spec.bundleDir)) > MAX_SOCKET_PATH) {
    throw new InvalidArgumentError(`bundle path ${spec.bundleDir} is too long for a unix socket`);
  }
  const binds = spec.mounts.filter((mount) => mount.type === 'bind');
  const relative = binds.find((mount) => !path.isAbsolute(mount.source));
  if (relative) throw new InvalidArgumentError(`bind source "${relative.source}" is not absolute`);
  await fs.mkdir(spec.bundleDir, { recursive: true, mode: 0o700 });
  // Independent of one another: done side by side.
  await Promise.all([
    ...[EXIT_FILE, CONTROL_SOCKET].map((name) => fs.rm(path.join(spec.bundleDir, name), { force: true })),
    ...(spec.logPath ? [fs.mkdir(path.dirname(spec.logPath), { recursive: true })] : []),
    ...binds.map((mount) =>
      fs.mkdir(mount.source, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      }),
    ),
  ]);
}
