// The reference runtime of the differential suite: Debian's containerd + runc (unpacked by
// setup-reference.sh), started by the test on a private socket, root, state and CNI conf dir and
// stopped again with everything it made. A test tool only; it never touches a system containerd.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CriClient } from '../../cli/cri_client';
import { canConnect } from '../harness/corrald';
import { containerdConfigToml, type ContainerdSettings } from './containerd_config';
import { umount2, MNT_DETACH } from '../../native/libc';

const REFERENCE_DIR = process.env.CORRAL_REFERENCE_DIR ?? '/var/cache/corral/reference';
const BIN_DIR = path.join(REFERENCE_DIR, 'root', 'usr', 'bin');
const RUNC = path.join(REFERENCE_DIR, 'root', 'usr', 'sbin', 'runc');
const READY_TIMEOUT_MS = 60_000;

export function referenceInstalled(): boolean {
  return existsSync(path.join(BIN_DIR, 'containerd')) && existsSync(RUNC);
}

export class ReferenceContainerd {
  private readonly exited: Promise<void>;

  private constructor(
    readonly base: string,
    readonly socket: string,
    private readonly child: ChildProcess,
    readonly client: CriClient,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(
    cniConfDir: string,
    cniBinDir: string,
    settings: ContainerdSettings,
  ): Promise<ReferenceContainerd> {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-diff-containerd-'));
    const paths = {
      root: path.join(base, 'root'),
      state: path.join(base, 'state'),
      socket: path.join(base, 'containerd.sock'),
      runcBinary: RUNC,
      runcRoot: path.join(base, 'state', 'runc'),
      cniConfDir,
      cniBinDir,
    };
    const config = path.join(base, 'config.toml');
    await fs.writeFile(config, containerdConfigToml(paths, settings));
    const log = openSync(path.join(base, 'containerd.log'), 'a');
    const child = spawn(path.join(BIN_DIR, 'containerd'), ['--config', config], {
      stdio: ['ignore', log, log],
      // The shim is found on PATH; nothing else of the host's environment is passed on.
      env: { PATH: `${BIN_DIR}:/usr/sbin:/usr/bin:/sbin:/bin` },
    });
    closeSync(log);
    const daemon = new ReferenceContainerd(base, paths.socket, child, new CriClient(`unix://${paths.socket}`, 60_000));
    try {
      await daemon.waitReady();
    } catch (err) {
      await daemon.stop();
      throw err;
    }
    return daemon;
  }

  get log(): string {
    try {
      return readFileSync(path.join(this.base, 'containerd.log'), 'utf8').slice(-4000);
    } catch {
      return '(no log)';
    }
  }

  /** Removes every pod (and so every shim and container), stops containerd, removes its roots. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await this.removeAllPods().catch(() => undefined);
      this.client.close();
      this.child.kill('SIGTERM');
      await this.exited;
    }
    killOwnShims(this.socket);
    detachMountsUnder(this.base);
    await fs.rm(this.base, { recursive: true, force: true });
  }

  private async removeAllPods(): Promise<void> {
    const { items } = await this.client.runtime('ListPodSandbox', {});
    for (const pod of items) {
      await this.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
      await this.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
    }
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await canConnect(this.socket))) {
      if (this.child.exitCode !== null) throw new Error(`containerd exited with ${this.child.exitCode}:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`containerd not ready after ${READY_TIMEOUT_MS} ms:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.client.runtime('Version', {});
  }
}

/** Shims outlive containerd; ours name our socket in their arguments. Killed by pid, one by one. */
function killOwnShims(socket: string): void {
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (args[0]?.endsWith('containerd-shim-runc-v2') && args.includes(socket)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Mounts a failed run may leave under the private roots (snapshots, shm, netns), deepest first. */
function detachMountsUnder(base: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(base + '/'))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    try {
      umount2(point, MNT_DETACH);
    } catch {
      /* already gone */
    }
  }
}
