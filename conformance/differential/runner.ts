// Runs every config on one runtime over CRI: one sandbox per pod group, the probe as each
// container's command, its output read back from the CRI log once the container has exited.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CriCallError, type CriClient } from '../../cli/cri_client';
import { parseLogLine } from '../../cli/cri_log';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { KUBELET_NAMESPACES, type ConfigContext, type DiffConfig, type PodGroup } from './configs';
import type { Limiter } from './limiter';
import { PROBE_PATH } from './probe_script';
import type { ContainerConfig } from '../../proto/generated/runtime/v1/ContainerConfig';
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';

/** A pod config with the fields the runner always sets. */
type PodConfig = PodSandboxConfig & { log_directory: string };

export interface RuntimeUnderTest {
  name: string;
  client: CriClient;
  /** Pods' log directories go below this. */
  logDir: string;
  cgroupParent: string;
  context: Omit<ConfigContext, 'targetId'>;
  /**
   * Retry a container once after an UNKNOWN error: containerd 1.6 under load sometimes loses its
   * sandbox's pid ("lstat /proc/0/ns/ipc"). Never set for corral, whose failures all count.
   */
  retryUnknown?: boolean;
}

/** The probe's output, or how the runtime refused the config ("error CODE: details"). */
export type ProbeRun = { output: string } | { error: string };

const EXIT_TIMEOUT_MS = 60_000;

export async function runAll(
  rt: RuntimeUnderTest,
  groups: PodGroup[],
  configs: DiffConfig[],
  limiter: Limiter,
): Promise<Map<string, ProbeRun>> {
  const results = new Map<string, ProbeRun>();
  await Promise.all(
    groups.map(async (group) => {
      const members = configs.filter((config) => config.pod === group.name);
      if (members.length === 0) return;
      for (const [name, run] of await runGroup(rt, group, members, limiter)) results.set(name, run);
    }),
  );
  return results;
}

async function runGroup(
  rt: RuntimeUnderTest,
  group: PodGroup,
  configs: DiffConfig[],
  limiter: Limiter,
): Promise<Map<string, ProbeRun>> {
  const results = new Map<string, ProbeRun>();
  const pod = podConfig(rt, group);
  await fs.mkdir(pod.log_directory, { recursive: true });
  let podId: string;
  try {
    podId = (await limiter.run(() => rt.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })))
      .pod_sandbox_id;
  } catch (err) {
    for (const config of configs) results.set(config.name, { error: `RunPodSandbox ${describe(err)}` });
    return results;
  }
  try {
    const context: ConfigContext = { ...rt.context };
    if (group.needsTarget) context.targetId = await startTarget(rt, podId, pod);
    await Promise.all(
      configs.map(async (config) => {
        let run = await limiter.run(() => runOne(rt, podId, pod, config, context));
        if (rt.retryUnknown && 'error' in run && run.error.startsWith('error UNKNOWN'))
          run = await limiter.run(() => runOne(rt, podId, pod, config, context));
        results.set(config.name, run);
      }),
    );
  } finally {
    await rt.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await rt.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  return results;
}

function podConfig(rt: RuntimeUnderTest, group: PodGroup): PodConfig {
  const extra = group.pod ?? {};
  return {
    metadata: { name: `diff-${group.name}`, namespace: 'differential', uid: `uid-${group.name}`, attempt: 0 },
    hostname: `diff-${group.name}`,
    log_directory: path.join(rt.logDir, group.name),
    labels: { suite: 'differential' },
    ...extra,
    linux: {
      ...extra.linux,
      cgroup_parent: rt.cgroupParent,
      security_context: { namespace_options: KUBELET_NAMESPACES, ...group.podSecurity },
    },
  };
}

function containerConfig(config: DiffConfig, context: ConfigContext): ContainerConfig {
  const extra = config.container(context);
  if (config.via === 'exec') extra.command = ['sleep', '3600'];
  const security = { namespace_options: KUBELET_NAMESPACES, ...extra.linux?.security_context };
  return {
    metadata: { name: config.name, attempt: 0 },
    image: { image: context.images.probe },
    log_path: `${config.name}.log`,
    labels: { config: config.name },
    ...extra,
    linux: { ...extra.linux, security_context: security },
  };
}

async function startTarget(rt: RuntimeUnderTest, podId: string, pod: PodConfig): Promise<string> {
  const config: ContainerConfig = {
    metadata: { name: 'target', attempt: 0 },
    image: { image: rt.context.images.probe },
    command: ['sleep', '3600'],
    log_path: 'target.log',
    linux: { security_context: { namespace_options: KUBELET_NAMESPACES } },
  };
  const { container_id: id } = await rt.client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await rt.client.runtime('StartContainer', { container_id: id });
  return id;
}

async function runOne(
  rt: RuntimeUnderTest,
  podId: string,
  pod: PodConfig,
  config: DiffConfig,
  context: ConfigContext,
): Promise<ProbeRun> {
  let id = '';
  try {
    id = (
      await rt.client.runtime('CreateContainer', {
        pod_sandbox_id: podId,
        config: containerConfig(config, context),
        sandbox_config: pod,
      })
    ).container_id;
    await rt.client.runtime('StartContainer', { container_id: id });
    if (config.via === 'exec') return { output: await execProbe(rt.client, id) };
    await untilExited(rt.client, id);
    return { output: await readLog(path.join(pod.log_directory, `${config.name}.log`)) };
  } catch (err) {
    return { error: describe(err) };
  } finally {
    if (id) await rt.client.runtime('RemoveContainer', { container_id: id }).catch(() => undefined);
  }
}

/** The probe through ExecSync in the sleeping container; the container is stopped afterwards. */
async function execProbe(client: CriClient, id: string): Promise<string> {
  try {
    const result = await client.runtime('ExecSync', { container_id: id, cmd: [PROBE_PATH, 'exec'], timeout: '60' });
    return result.stdout.toString() + result.stderr.toString();
  } finally {
    await client.runtime('StopContainer', { container_id: id, timeout: '0' });
  }
}

async function untilExited(client: CriClient, id: string): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  for (;;) {
    const { status } = await client.runtime('ContainerStatus', { container_id: id, verbose: false });
    if (status?.state === 'CONTAINER_EXITED') return;
    if (Date.now() > deadline) throw new Error(`container ${id} still ${status?.state} after ${EXIT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The container's stdout and stderr as one text, partial records joined. */
async function readLog(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8');
  let out = '';
  for (const line of text.split('\n')) {
    const record = parseLogLine(line);
    if (record) out += record.text + (record.partial ? '' : '\n');
  }
  return out;
}

function describe(err: unknown): string {
  if (err instanceof CriCallError) return `error ${GrpcStatus[err.code]}: ${err.details}`;
  return `error ${err instanceof Error ? err.message : String(err)}`;
}
