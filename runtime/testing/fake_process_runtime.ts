// A recording, in-memory ProcessRuntime and SandboxRuntime: lifecycle logic is tested against
// it without the kernel (the real one is tested for real in runtime/process/).
import { NotFoundError } from '../errors';
import type {
  ContainerSpec,
  CreatedContainer,
  ExecResult,
  ExitInfo,
  ProcessRuntime,
  ProcessSpec,
  SandboxInfra,
  SandboxInfraSpec,
  SandboxRuntime,
  StartedContainer,
} from '../process/contract';

const SIGNAL_NUMBERS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGQUIT: 3, SIGINT: 2, SIGUSR1: 10 };

interface FakeContainer {
  spec: ContainerSpec;
  refs: CreatedContainer;
  started: boolean;
  exit?: ExitInfo;
  monitorAlive: boolean;
  waiters: Array<(exit: ExitInfo) => void>;
}

export class FakeProcessRuntime implements ProcessRuntime {
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  /** Signals the fake's processes ignore (to test stop timeouts). SIGKILL is never ignored. */
  readonly ignoredSignals = new Set<string>();
  failStart?: Error;
  failCreate?: Error;
  execResult: ExecResult = { exitCode: 0, stdout: Buffer.from('out'), stderr: Buffer.alloc(0), timedOut: false };
  lastExec?: ProcessSpec;
  private nextPid = 1000;

  private get(bundleDir: string): FakeContainer {
    const found = this.containers.get(bundleDir);
    if (!found) throw new NotFoundError(`no fake container at ${bundleDir}`);
    return found;
  }

  async create(specOrLater: ContainerSpec | Promise<ContainerSpec>): Promise<CreatedContainer> {
    const spec = await specOrLater;
    this.calls.push(`create ${spec.id}`);
    if (this.failCreate) throw this.failCreate;
    const refs = { monitor: { pid: this.nextPid++, startTime: '1' }, init: { pid: this.nextPid++, startTime: '1' } };
    this.containers.set(spec.bundleDir, { spec, refs, started: false, monitorAlive: true, waiters: [] });
    return refs;
  }

  async start(bundleDir: string): Promise<StartedContainer> {
    this.calls.push(`start ${bundleDir}`);
    if (this.failStart) throw this.failStart;
    const container = this.get(bundleDir);
    container.started = true;
    return { startedAt: new Date().toISOString(), ...container.refs };
  }

  /** Makes the container's init exit (as if it ended by itself). */
  exit(bundleDir: string, exitCode: number, signal?: string): void {
    const container = this.get(bundleDir);
    if (container.exit) return;
    container.exit = {
      exitCode,
      signal,
      finishedAt: new Date().toISOString(),
      startedAt: container.started ? new Date().toISOString() : undefined,
    };
    container.monitorAlive = false;
    for (const resolve of container.waiters.splice(0)) resolve(container.exit);
  }

  async signal(bundleDir: string, signal: string): Promise<void> {
    this.calls.push(`signal ${signal}`);
    if (signal !== 'SIGKILL' && this.ignoredSignals.has(signal)) return;
    this.exit(bundleDir, 128 + (SIGNAL_NUMBERS[signal] ?? 1), signal);
  }

  async readExit(bundleDir: string): Promise<ExitInfo | undefined> {
    return this.containers.get(bundleDir)?.exit;
  }

  waitExit(bundleDir: string, signal?: AbortSignal): Promise<ExitInfo> {
    const container = this.get(bundleDir);
    if (container.exit) return Promise.resolve(container.exit);
    return new Promise((resolve, reject) => {
      container.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }

  waitKilledExit(bundleDir: string): Promise<ExitInfo> {
    return this.waitExit(bundleDir);
  }

  async reopenLog(bundleDir: string): Promise<void> {
    this.calls.push(`reopen ${bundleDir}`);
  }

  async execSync(bundleDir: string, process: ProcessSpec, _timeoutMs: number): Promise<ExecResult> {
    this.get(bundleDir);
    this.lastExec = process;
    return this.execResult;
  }

  async isMonitorAlive(bundleDir: string): Promise<boolean> {
    return this.containers.get(bundleDir)?.monitorAlive ?? false;
  }

  async cleanup(bundleDir: string): Promise<void> {
    this.calls.push(`cleanup ${bundleDir}`);
    this.containers.delete(bundleDir);
  }
}

export class FakeSandboxRuntime implements SandboxRuntime {
  readonly running = new Map<string, SandboxInfraSpec>();
  failStart?: Error;
  private nextPid = 500;

  async pinNetworkNamespace(pinDir: string): Promise<string> {
    return `${pinDir}/net`;
  }

  async startInfra(spec: SandboxInfraSpec, ready?: Promise<unknown>): Promise<SandboxInfra> {
    await ready;
    if (this.failStart) throw this.failStart;
    this.running.set(spec.bundleDir, spec);
    const paths: SandboxInfra['namespacePaths'] = {};
    for (const kind of ['net', 'ipc', 'uts', 'pid'] as const) {
      const setting = spec.namespaces[kind];
      if (setting.mode === 'new') paths[kind] = `${spec.pinDir}/${kind}`;
      if (setting.mode === 'join') paths[kind] = setting.path;
    }
    return { infra: { pid: this.nextPid++, startTime: '1' }, namespacePaths: paths };
  }

  async stopInfra(bundleDir: string): Promise<void> {
    this.running.delete(bundleDir);
  }

  async killInfra(bundleDir: string): Promise<void> {
    this.running.delete(bundleDir);
  }
}
