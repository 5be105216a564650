// Starts a real corrald on temporary roots and a temporary socket, for end-to-end tests.
import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CriClient } from '../../cli/cri_client';
import { isAnswering } from '../../server/socket_path';

const CORRALD = path.resolve(__dirname, '..', '..', 'server', 'main.js');

/** How long corrald may take to answer; the emulated cgroup v2 guest needs far longer than a host. */
const READY_TIMEOUT_MS = Number(process.env.CORRAL_TEST_READY_MS ?? 20_000);
/** Each RPC's deadline; QEMU guests (emulated, conformance/vm/) raise it. */
const RPC_TIMEOUT_MS = Number(process.env.CORRAL_TEST_RPC_MS ?? 60_000);

export interface CorraldOptions {
  /** Extra corrald flags. */
  args?: string[];
  /** TOML text written to a config file passed with --config. */
  configToml?: string;
  /** Reuse roots from an earlier instance (restart tests). */
  dirs?: CorraldDirs;
  /** Another build's server/main.js (benches comparing two builds); this build's by default. */
  program?: string;
  /** corrald's environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
}

export interface CorraldDirs {
  base: string;
  root: string;
  state: string;
  socket: string;
}

export class Corrald {
  private exited: Promise<number | null>;
  private output = '';

  private constructor(
    readonly dirs: CorraldDirs,
    readonly child: ChildProcess,
    readonly client: CriClient,
  ) {
    child.stdout?.on('data', (chunk) => {
      this.output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static makeDirs(): CorraldDirs {
    const base = mkdtempSync(path.join(os.tmpdir(), 'corral-test-'));
    return {
      base,
      root: path.join(base, 'root'),
      state: path.join(base, 'state'),
      socket: path.join(base, 'state', 'corral.sock'),
    };
  }

  /** Spawns corrald and waits until it answers Version on its socket. */
  static async start(options: CorraldOptions = {}): Promise<Corrald> {
    const dirs = options.dirs ?? Corrald.makeDirs();
    const child = spawnCorrald(dirs, options);
    const daemon = new Corrald(dirs, child, new CriClient(`unix://${dirs.socket}`, RPC_TIMEOUT_MS));
    await daemon.waitReady();
    return daemon;
  }

  get pid(): number {
    return this.child.pid!;
  }
  get logs(): string {
    return this.output;
  }

  /** Graceful stop (SIGTERM); resolves to the exit code. */
  async stop(): Promise<number | null> {
    this.client.close();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Crash (SIGKILL), leaving everything corrald made behind, as a real crash does. */
  async kill9(): Promise<void> {
    this.client.close();
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Removes the temporary roots; call after stop. */
  async removeDirs(): Promise<void> {
    await fs.rm(this.dirs.base, { recursive: true, force: true });
  }

  /** Polls with plain connects first: a gRPC client that fails once backs off for a second. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await canConnect(this.dirs.socket))) {
      if (this.child.exitCode !== null) throw new Error(`corrald exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`corrald not ready after ${READY_TIMEOUT_MS} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.client.runtime('Version', {});
  }
}

/** Whether something accepts connections on the unix socket (corrald's own check). */
export const canConnect = isAnswering;

export function corraldArgs(dirs: CorraldDirs, extra: string[] = []): string[] {
  return [CORRALD, '--root', dirs.root, '--state', dirs.state, '--listen', dirs.socket, ...extra];
}

function spawnCorrald(dirs: CorraldDirs, options: CorraldOptions): ChildProcess {
  const args = corraldArgs(dirs, options.args);
  if (options.program) args[0] = options.program;
  if (options.configToml !== undefined) {
    const file = path.join(dirs.base, 'corral.toml');
    writeFileSync(file, options.configToml);
    args.push('--config', file);
  }
  return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
}

/** Runs corrald to completion (for start-up failures): exit code and everything it printed. */
export function runCorraldToExit(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CORRALD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`corrald did not exit: ${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
