// One pod's life, timed call by call, against any CRI endpoint.
import type { ContainerConfig } from '../proto/generated/runtime/v1/ContainerConfig';
import type { PodSandboxConfig } from '../proto/generated/runtime/v1/PodSandboxConfig';
import type { CriClient } from '../cli/cri_client';

export const OPS = [
  'RunPodSandbox',
  'CreateContainer',
  'StartContainer',
  'ExecSync',
  'StopContainer',
  'StopPodSandbox',
  'RemovePodSandbox',
] as const;
export type Op = (typeof OPS)[number];
export type Timings = Record<Op, number[]>;

export function emptyTimings(): Timings {
  return Object.fromEntries(OPS.map((op) => [op, []])) as unknown as Timings;
}

let serial = 0;

/** What kubelet would set for the pod: its cgroup parent; host network (no CNI) for many-pod runs. */
export interface BenchPodOptions {
  cgroupParent?: string;
  hostNetwork?: boolean;
}

export function benchPodConfig(tag: string, options: BenchPodOptions = {}): PodSandboxConfig {
  const n = serial++;
  const network = options.hostNetwork ? 'NODE' : 'POD';
  return {
    metadata: { name: `bench-${tag}-${n}`, namespace: 'bench', uid: `bench-${process.pid}-${tag}-${n}`, attempt: 0 },
    hostname: options.hostNetwork ? '' : `bench-${n}`,
    log_directory: '',
    linux: {
      cgroup_parent: options.cgroupParent ?? '',
      security_context: { namespace_options: { network, pid: 'CONTAINER', ipc: 'POD' } },
    },
  };
}

/** A shell that exits on SIGTERM at once: StopContainer measures a graceful stop. */
export function benchContainerConfig(image: string): ContainerConfig {
  return {
    metadata: { name: 'work', attempt: 0 },
    image: { image },
    command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
    log_path: '',
  };
}

async function timed<T>(timings: Timings, op: Op, call: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await call();
  timings[op].push(Number(process.hrtime.bigint() - started) / 1e6);
  return result;
}

export interface RunningPod {
  podId: string;
  containerId: string;
}

export async function startPod(
  client: CriClient,
  image: string,
  tag: string,
  timings: Timings,
  options: BenchPodOptions = {},
): Promise<RunningPod> {
  const config = benchPodConfig(tag, options);
  const { pod_sandbox_id: podId } = await timed(timings, 'RunPodSandbox', () =>
    client.runtime('RunPodSandbox', { config, runtime_handler: '' }),
  );
  const { container_id: containerId } = await timed(timings, 'CreateContainer', () =>
    client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config: benchContainerConfig(image),
      sandbox_config: config,
    }),
  );
  await timed(timings, 'StartContainer', () => client.runtime('StartContainer', { container_id: containerId }));
  return { podId, containerId };
}

export async function finishPod(client: CriClient, pod: RunningPod, timings: Timings): Promise<void> {
  const result = await timed(timings, 'ExecSync', () =>
    client.runtime('ExecSync', { container_id: pod.containerId, cmd: ['true'], timeout: 10 }),
  );
  if (result.exit_code !== 0) throw new Error(`exec in ${pod.containerId} exited ${result.exit_code}`);
  await timed(timings, 'StopContainer', () =>
    client.runtime('StopContainer', { container_id: pod.containerId, timeout: 10 }),
  );
  await timed(timings, 'StopPodSandbox', () => client.runtime('StopPodSandbox', { pod_sandbox_id: pod.podId }));
  await timed(timings, 'RemovePodSandbox', () => client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId }));
}
