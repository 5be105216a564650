// Container create+start latency (until the command has been exec-ed) of corral's process layer,
// side by side with crun and runc on the same read-only busybox rootfs, driven from Node the same
// way (spawned programs). Also the RSS of one idle corral-monitor.
// usage: bash bench/setup-bench.sh; node dist/bench/process_start.js [--runs N] [--vs runc,crun]
// (crun 1.8 refuses this host's cgroup v1/v2 hybrid mode: "drop all controllers from cgroupv2".)
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBusyboxRootfs } from '../conformance/testimages';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import type { ContainerSpec } from '../runtime/process/contract';
import { percentile, rssKiB } from './stats';

interface OciConfig {
  process: { args: string[]; terminal: boolean; env: string[]; capabilities: { bounding: string[] } };
  root: { path: string; readonly: boolean };
  linux: { maskedPaths: string[]; readonlyPaths: string[] };
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')}: exit ${code}`))));
  });
}

/** An OCI bundle (from `crun spec`) running `true` on the shared rootfs. */
async function ociBundle(dir: string, rootfs: string): Promise<OciConfig> {
  await fs.mkdir(dir, { recursive: true });
  execFileSync('crun', ['spec'], { cwd: dir });
  const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as OciConfig;
  config.process.args = ['true'];
  config.process.terminal = false;
  config.root = { path: rootfs, readonly: true };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return config;
}

function corralSpec(base: string, i: number, rootfs: string, oci: OciConfig, args = ['true']): ContainerSpec {
  const caps = oci.process.capabilities.bounding;
  return {
    id: `bench${i}`, bundleDir: path.join(base, `b${i}`), rootfs, readonlyRootfs: true, rootfsMode: 'pivot_root',
    hostname: 'bench', mounts: [], privileged: false, sysctls: {}, cgroupProcsFiles: [], logPath: '',
    namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
    maskedPaths: oci.linux.maskedPaths, readonlyPaths: oci.linux.readonlyPaths,
    process: {
      args, env: oci.process.env, cwd: '/', uid: 0, gid: 0, additionalGids: [], tty: false, stdin: false,
      stdinOnce: false, noNewPrivileges: true, rlimits: [],
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
    },
  };
}

type Runner = (i: number) => Promise<number>;

function corralRunner(base: string, rootfs: string, oci: OciConfig): Runner {
  const runtime = new NativeProcessRuntime();
  return async (i) => {
    const spec = corralSpec(base, i, rootfs, oci);
    const started = process.hrtime.bigint();
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await runtime.waitExit(spec.bundleDir);
    await fs.rm(spec.bundleDir, { recursive: true, force: true });
    return ms;
  };
}

function ociRunner(program: string, bundle: string): Runner {
  const global = program === 'crun' ? ['--cgroup-manager=disabled'] : [];
  return async (i) => {
    const id = `corral-bench-${process.pid}-${i}`;
    const started = process.hrtime.bigint();
    await run(program, [...global, 'create', '--bundle', bundle, id]);
    await run(program, [...global, 'start', id]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await run(program, [...global, 'delete', '-f', id]);
    return ms;
  };
}

async function measure(runner: Runner, runs: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await runner(1_000_000 + i);   // warm caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await runner(i));
  return times;
}

async function monitorRss(base: string, rootfs: string, oci: OciConfig): Promise<number> {
  const runtime = new NativeProcessRuntime();
  const spec = corralSpec(base, 9_999_999, rootfs, oci, ['sleep', '1000']);
  const created = await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rss = await rssKiB(created.monitor.pid);
  await runtime.signal(spec.bundleDir, 'SIGKILL');
  await runtime.waitExit(spec.bundleDir);
  return rss;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, vs: { type: 'string', default: 'runc' } } });
  const runs = Number(values.runs);
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-bench-'));
  try {
    const rootfs = path.join(base, 'rootfs');
    await buildBusyboxRootfs(rootfs);
    const oci = await ociBundle(path.join(base, 'oci'), rootfs);
    const results: Array<[string, number[]]> = [['corral', await measure(corralRunner(base, rootfs, oci), runs)]];
    for (const other of values.vs!.split(',').filter(Boolean)) {
      results.push([other, await measure(ociRunner(other, path.join(base, 'oci')), runs)]);
    }
    const [, ours] = results[0];
    console.log(`create+start to exec, ${runs} runs, ${os.cpus().length} CPUs`);
    for (const [name, times] of results) {
      const p50 = percentile(times, 50), p99 = percentile(times, 99);
      const ratio = name === 'corral' ? '' : `  corral/${name}: p50 ${(percentile(ours, 50) / p50).toFixed(2)}, p99 ${(percentile(ours, 99) / p99).toFixed(2)}`;
      console.log(`${name.padEnd(7)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms${ratio}`);
    }
    console.log(`corral-monitor RSS (idle, one container): ${await monitorRss(base, rootfs, oci)} KiB`);
  } finally {
    await fs.rm(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
