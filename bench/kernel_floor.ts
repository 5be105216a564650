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
    const output = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`pod-floor failed: ${output.trim() || (err as Error).message}`);
  } finally {
    // Its mounts lived in its own mount namespace and went with it: only files may be left.
    for (const made of [work, `${work}.base`]) await fs.rm(made, { recursive: true, force: true });
  }
}

/** The program's cgroups (left only by a failed run), then its files. */
export async function removeKernelFloor(floor: KernelFloor): Promise<void> {
  for (const parent of floor.cgroupDirs) {
    for (const left of ['floor-pod/ctr', 'floor-pod']) await fs.rmdir(path.join(parent, left)).catch(() => undefined);
  }
  await fs.rm(floor.dir, { recursive: true, force: true });
}
