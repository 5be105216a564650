// What sealing costs (issue 11): ExecSync, container create+start and pod infra start latency of
// this build's process layer against a reference build of corral (e.g. the commit before sealing,
// built in another worktree), interleaved in one run on the same rootfs.
// "in a pod's pid namespace": containers joining the pid namespace of a pod infra the same build
// made (this build clones the pod's proc pin for /proc; older ones used fsconfig "pidns").
// usage: bash bench/setup-bench.sh; node dist/bench/sealing.js --reference <other checkout>/dist [--runs N]
//        [--host-mounts N]: N extra tmpfs mounts in the host's mount table while it runs, as on a node
//        with many pods (a pause that copies the host's mount table pays for each).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MNT_DETACH, mount, umount2 } from '../native/libc';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import { NativeSandboxRuntime } from '../runtime/process/sandbox_runtime';
import type { ContainerSpec, ProcessRuntime, SandboxInfraSpec, SandboxRuntime } from '../runtime/process/contract';
import {
  corralSpec,
  timedCreateStart,
  measure,
  type OciConfig,
  report,
  type Runner,
  withBenchRoot,
} from './process_bench_setup';

interface Runtimes {
  process: ProcessRuntime;
  sandbox: SandboxRuntime;
}

function loadReference(dist: string): Runtimes {
  /* eslint-disable @typescript-eslint/no-require-imports -- a build chosen at run time */
  const processModule = require(path.resolve(dist, 'runtime/process/process_runtime.js')) as {
    NativeProcessRuntime: new () => ProcessRuntime;
  };
  const sandboxModule = require(path.resolve(dist, 'runtime/process/sandbox_runtime.js')) as {
    NativeSandboxRuntime: new () => SandboxRuntime;
  };
  /* eslint-enable @typescript-eslint/no-require-imports -- end of the run-time loads */
  return { process: new processModule.NativeProcessRuntime(), sandbox: new sandboxModule.NativeSandboxRuntime() };
}

/** A pod infra in `dir` with new net, ipc, uts and pid namespaces, pinned. */
function infraSpec(dir: string, id: string): SandboxInfraSpec {
  return {
    id,
    bundleDir: path.join(dir, 'bundle'),
    pinDir: path.join(dir, 'ns'),
    hostname: 'bench',
    namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
    sysctls: {},
    cgroupProcsFiles: [],
  };
}

/** Pod infra start (new net, ipc, uts and pid namespaces, pinned) until it reports, then stop. */
function infraRunner(runtime: SandboxRuntime, base: string, tag: string): Runner {
  return async (i) => {
    const dir = path.join(base, `pod-${tag}-${i}`);
    const spec = infraSpec(dir, `bench-${tag}-${i}`);
    const started = process.hrtime.bigint();
    await runtime.startInfra(spec);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await runtime.stopInfra(spec.bundleDir, spec.pinDir);
    await fs.rm(dir, { recursive: true, force: true });
    return ms;
  };
}

function startRunner(
  runtime: ProcessRuntime,
  base: string,
  rootfs: string,
  oci: OciConfig,
  offset: number,
  pid: ContainerSpec['namespaces']['pid'] = { mode: 'new' },
): Runner {
  return async (i) => {
    const spec = corralSpec(base, offset + i, rootfs, oci);
    return timedCreateStart(runtime, { ...spec, namespaces: { ...spec.namespaces, pid } });
  };
}

/** A pod infra of `runtime` (stopped by the caller) and the pid setting of containers joining it. */
async function podPidNamespace(runtime: SandboxRuntime, base: string, tag: string) {
  const spec = infraSpec(path.join(base, `pod-${tag}-shared`), `bench-${tag}-shared`);
  const { namespacePaths: pins } = await runtime.startInfra(spec);
  const pid: ContainerSpec['namespaces']['pid'] = {
    mode: 'join',
    path: pins.pid!,
    ...(pins.proc ? { proc: pins.proc } : {}),
  };
  return { pid, stop: () => runtime.stopInfra(spec.bundleDir, spec.pinDir) };
}

/** A running `sleep` container of `runtime` and a runner that times ExecSync of `true` in it. */
async function execRunner(runtime: ProcessRuntime, base: string, rootfs: string, oci: OciConfig, i: number) {
  const spec = corralSpec(base, i, rootfs, oci, ['sleep', '1000']);
  await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  const probe = { ...spec.process, args: ['true'] };
  const runner: Runner = async () => {
    const started = process.hrtime.bigint();
    await runtime.execSync(spec.bundleDir, probe, 0);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const stop = async () => {
    await runtime.signal(spec.bundleDir, 'SIGKILL');
    await runtime.waitExit(spec.bundleDir);
  };
  return { runner, stop };
}

/** Runs body with `count` small tmpfs mounts under base in the host's mount table. */
async function withHostMounts<T>(base: string, count: number, body: () => Promise<T>): Promise<T> {
  const made: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dir = path.join(base, 'host-mounts', String(i));
      await fs.mkdir(dir, { recursive: true });
      mount('tmpfs', dir, 'tmpfs', 0, 'size=4k');
      made.push(dir);
    }
    return await body();
  } finally {
    for (const dir of made.reverse()) umount2(dir, MNT_DETACH);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      reference: { type: 'string' },
      'host-mounts': { type: 'string', default: '0' },
    },
  });
  if (!values.reference) throw new Error('--reference <dist of another corral build> is required');
  const runs = Number(values.runs);
  const sealed: Runtimes = { process: new NativeProcessRuntime(), sandbox: new NativeSandboxRuntime() };
  const reference = loadReference(values.reference);
  const hostMounts = Number(values['host-mounts']);
  await withBenchRoot(['true'], (base, rootfs, oci) =>
    withHostMounts(base, hostMounts, async () => {
      const names = ['sealed', 'reference'];
      const infras = [infraRunner(sealed.sandbox, base, 'sealed'), infraRunner(reference.sandbox, base, 'reference')];
      report('pod infra start', names, await measure(infras, runs));
      const starts = [
        startRunner(sealed.process, base, rootfs, oci, 0),
        startRunner(reference.process, base, rootfs, oci, 10_000_000),
      ];
      report('create+start to exec', names, await measure(starts, runs));
      const pods = [
        await podPidNamespace(sealed.sandbox, base, 'sealed'),
        await podPidNamespace(reference.sandbox, base, 'reference'),
      ];
      try {
        const joined = [
          startRunner(sealed.process, base, rootfs, oci, 30_000_000, pods[0].pid),
          startRunner(reference.process, base, rootfs, oci, 40_000_000, pods[1].pid),
        ];
        report("create+start to exec, in a pod's pid namespace", names, await measure(joined, runs));
      } finally {
        for (const pod of pods) await pod.stop();
      }
      const execs = [
        await execRunner(sealed.process, base, rootfs, oci, 20_000_000),
        await execRunner(reference.process, base, rootfs, oci, 20_000_001),
      ];
      try {
        report(
          'ExecSync of `true` to its exit',
          names,
          await measure(
            execs.map((e) => e.runner),
            runs,
          ),
        );
      } finally {
        for (const e of execs) await e.stop();
      }
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
