// Test-only: specs with sane defaults, temp roots and complete cleanup.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerSpec, ProcessSpec } from '../contract';
import { buildBusyboxRootfs } from '../../../conformance/testimages';
import { mountOverlay, unmount } from './overlay';
import { NativeProcessRuntime } from '../process_runtime';
import { DEFAULT_CAPABILITIES } from '../../security/capabilities';

export const DEFAULT_CAPS = [...DEFAULT_CAPABILITIES];

export function processSpec(args: string[], overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    args,
    env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
    cwd: '/',
    uid: 0,
    gid: 0,
    additionalGids: [],
    tty: false,
    stdin: false,
    stdinOnce: false,
    noNewPrivileges: false,
    capabilities: {
      bounding: DEFAULT_CAPS,
      effective: DEFAULT_CAPS,
      permitted: DEFAULT_CAPS,
      inheritable: [],
      ambient: [],
    },
    rlimits: [],
    ...overrides,
  };
}

export class Fixture {
  private constructor(
    readonly root: string,
    readonly lower: string,
  ) {}
  private mounts: string[] = [];
  private running: string[] = [];
  private counter = 0;

  static async create(): Promise<Fixture> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-proc-'));
    await fs.chmod(root, 0o755); // a user-namespaced container's root must be able to reach its rootfs
    const lower = path.join(root, 'image');
    await buildBusyboxRootfs(lower);
    return new Fixture(root, lower);
  }

  /** A fresh overlay rootfs, bundle dir and log path. */
  async containerSpec(args: string[], overrides: Partial<ContainerSpec> = {}): Promise<ContainerSpec> {
    const name = `c${this.counter++}`;
    const dir = path.join(this.root, name);
    const rootfs = await mountOverlay(this.lower, path.join(dir, 'fs'));
    this.mounts.push(rootfs);
    return {
      id: name,
      bundleDir: path.join(dir, 'bundle'),
      rootfs,
      readonlyRootfs: false,
      rootfsMode: 'pivot_root',
      // What an idmapped rootfs is rebuilt from (the helper uses it in a joined user namespace).
      rootfsLayers: {
        lowerDirs: [this.lower],
        upperDir: path.join(dir, 'fs', 'upper'),
        workDir: path.join(dir, 'fs', 'work'),
      },
      hostname: `host-${name}`,
      namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
      mounts: [],
      maskedPaths: [],
      readonlyPaths: [],
      privileged: false,
      sysctls: {},
      cgroupProcsFiles: [],
      logPath: path.join(dir, 'logs', `${name}.log`),
      process: processSpec(args),
      ...overrides,
    };
  }

  /** Containers to kill (if still running) at cleanup. */
  track(bundleDir: string): void {
    this.running.push(bundleDir);
  }

  dir(name: string): string {
    return path.join(this.root, name);
  }

  async stopContainers(): Promise<void> {
    const runtime = new NativeProcessRuntime();
    for (const bundle of this.running.splice(0)) {
      await runtime.signal(bundle, 'SIGKILL').catch(() => undefined);
      await runtime.waitExit(bundle).catch(() => undefined);
    }
  }

  async cleanup(): Promise<void> {
    await this.stopContainers();
    for (const mount of this.mounts.reverse()) unmount(mount);
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
