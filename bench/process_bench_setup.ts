// Shared by the process-layer benchmarks: an OCI bundle (from `crun spec`) and a corral
// ContainerSpec describing the same container on the same rootfs, and side-by-side reporting.
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxRootfs } from '../conformance/testimages';
import type { ContainerSpec, ProcessRuntime } from '../runtime/process/contract';
import { percentile } from './stats';

export interface OciConfig {
  process: { args: string[]; terminal: boolean; env: string[]; capabilities: { bounding: string[] } };
  root: { path: string; readonly: boolean };
  linux: { maskedPaths: string[]; readonlyPaths: string[] };
}

export function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')}: exit ${code}`)),
    );
  });
}

/** An OCI bundle (from `crun spec`) running `true` on the shared rootfs. */
export async function ociBundle(dir: string, rootfs: string, args = ['true']): Promise<OciConfig> {
  await fs.mkdir(dir, { recursive: true });
  execFileSync('crun', ['spec'], { cwd: dir });
  const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as OciConfig;
  config.process.args = args;
  config.process.terminal = false;
  config.root = { path: rootfs, readonly: true };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return config;
}

export function corralSpec(base: string, i: number, rootfs: string, oci: OciConfig, args = ['true']): ContainerSpec {
  const caps = oci.process.capabilities.bounding;
  return {
    id: `bench${i}`,
    bundleDir: path.join(base, `b${i}`),
    rootfs,
    readonlyRootfs: true,
    rootfsMode: 'pivot_root',
    hostname: 'bench',
    mounts: [],
    privileged: false,
    sysctls: {},
    cgroupProcsFiles: [],
    logPath: '',
    namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
    maskedPaths: oci.linux.maskedPaths,
    readonlyPaths: oci.linux.readonlyPaths,
    process: {
      args,
      env: oci.process.env,
      cwd: '/',
      uid: 0,
      gid: 0,
      additionalGids: [],
      tty: false,
      stdin: false,
      stdinOnce: false,
      noNewPrivileges: true,
      rlimits: [],
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
    },
  };
}

export type Runner = (i: number) => Promise<number>;

/** Runs the runtimes in turn within each iteration, so load on the machine hits all alike. */
export async function measure(runners: Runner[], runs: number): Promise<number[][]> {
  for (let i = 0; i < 5; i++) for (const runner of runners) await runner(1_000_000 + i); // warm caches
  const times = runners.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [r, runner] of runners.entries()) times[r].push(await runner(i));
  }
  return times;
}

/** One line per runtime with p50/p99, and corral's ratio to each other runtime. */
export function report(title: string, names: string[], times: number[][]): void {
  console.log(
    `${title}, ${times[0].length} runs (interleaved), ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const ours = times[0];
  names.forEach((name, i) => {
    const p50 = percentile(times[i], 50),
      p99 = percentile(times[i], 99);
    const ratio =
      i === 0
        ? ''
        : `  corral/${name}: p50 ${(percentile(ours, 50) / p50).toFixed(2)}, p99 ${(percentile(ours, 99) / p99).toFixed(2)}`;
    console.log(`${name.padEnd(7)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms${ratio}`);
  });
}

/** A temp dir with the busybox rootfs and an OCI bundle for it; removed after `body`. */
export async function withBenchRoot<T>(
  args: string[],
  body: (base: string, rootfs: string, oci: OciConfig) => Promise<T>,
): Promise<T> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-bench-'));
  try {
    const rootfs = path.join(base, 'rootfs');
    await buildBusyboxRootfs(rootfs);
    return await body(base, rootfs, await ociBundle(path.join(base, 'oci'), rootfs, args));
  } finally {
    await fs.rm(base, { recursive: true, force: true });
  }
}

/** Milliseconds from create to a started init for one spec; then waits for its exit and removes its bundle. */
export async function timedCreateStart(runtime: ProcessRuntime, spec: ContainerSpec): Promise<number> {
  const started = process.hrtime.bigint();
  await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await runtime.waitExit(spec.bundleDir);
  await fs.rm(spec.bundleDir, { recursive: true, force: true });
  return ms;
}
