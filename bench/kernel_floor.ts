// The kernel's own work for one pod's life with one container, with no runtime around it
// (bench/pod_floor.c, compiled here): namespaces, cgroups, mounts and processes made and torn
// down the shortest way, no CNI. It is the floor a runtime's own work is compared to.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildBusyboxRootfs } from '../conformance/testimages';
import type { Op } from './lifecycle_ops';

const run = promisify(execFile);
const SOURCE = path.resolve(__dirname, '..', '..', 'bench', 'pod_floor.c');
const TIMEOUT_MS = 30_000;

export interface KernelFloor {
  dir: string;
  program: string;
  rootfs: string;
  cgroupDirs: string[];
  runs: number;
}

/** Per CRI step, ms. */
export type FloorSteps = Partial<Record<Op, number>>;

/** Compiles the program and unpacks the busybox image's files; `cgroupDirs`: a parent in each hierarchy. */
export async function prepareKernelFloor(cgroupDirs: string[]): Promise<KernelFloor> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-bench-floor-'));
  const program = path.join(dir, 'pod-floor');
  await run('cc', ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-static', '-o', program, SOURCE]);
  const rootfs = path.join(dir, 'rootfs');
  await buildBusyboxRootfs(rootfs);
  return { dir, program, rootfs, cgroupDirs, runs: 0 };
}

export async function kernelFloorOnce(floor: KernelFloor): Promise<FloorSteps> {
  const work = path.join(floor.dir, `pod${floor.runs++}`);
  try {
    const { stdout } = await run(floor.program, [work, floor.rootfs, ...floor.cgroupDirs], { timeout: TIMEOUT_MS });
    const steps: FloorSteps = {};
    for (const [name, us] of stdout.split('\n').map((l) => l.split(' '))) {
      if (name) steps[name as Op] = Number(us) / 1000;
    }
    return steps;
  } catch (err) {
    // Killed at its timeout, or failed past its own clean-up: its init and infra may still run.
    await removeFloorCgroups(floor);
    const output = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`pod-floor failed: ${output.trim() || (err as Error).message}`);
  } finally {
    // Its mounts lived in its own mount namespace and went with it: only files may be left.
    for (const made of [work, `${work}.base`]) await fs.rm(made, { recursive: true, force: true });
  }
}

/** The program's cgroups (left only by a failed run), then its files. */
export async function removeKernelFloor(floor: KernelFloor): Promise<void> {
  await removeFloorCgroups(floor);
  await fs.rm(floor.dir, { recursive: true, force: true });
}

const FLOOR_CGROUPS = ['floor-pod/ctr', 'floor-pod'];

/**
 * What a failed run left in the floor's cgroups (the bench's own: every process in them is one
 * the program started) is killed by pid, and the cgroups removed once empty.
 */
async function removeFloorCgroups(floor: KernelFloor): Promise<void> {
  for (const left of FLOOR_CGROUPS) {
    for (const parent of floor.cgroupDirs) {
      const dir = path.join(parent, left);
      for (let attempt = 0; attempt < 500; attempt++) {
        const pids = await cgroupPids(dir);
        if (pids === undefined) break; // never made, or removed
        for (const pid of pids) killQuietly(pid);
        if (
          pids.length === 0 &&
          (await fs.rmdir(dir).then(
            () => true,
            () => false,
          ))
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }
}

async function cgroupPids(dir: string): Promise<number[] | undefined> {
  const text = await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => undefined);
  return text?.split('\n').filter(Boolean).map(Number);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
