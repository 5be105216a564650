// Test scaffolding: the pod and container steps the end-to-end tests repeat (run and remove a
// pod, create and start a container, ExecSync that must succeed, a free loopback port), over any
// corrald client.
import assert from 'node:assert/strict';
import type { CriClient } from '../../cli/cri_client';
export { freePort } from './free_port';
import { podConfig, type CtrConfig, type PodConfig } from '../lifecycle/fixture';

export interface RunningPod {
  id: string;
  config: PodConfig;
}

/** RunPodSandbox of the fixture's pod config named `name`, with `extra` fields. */
export async function runPod(
  client: CriClient,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<RunningPod> {
  const config = podConfig(name, extra);
  const { pod_sandbox_id: id } = await client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  return { id, config };
}

export async function removePod(client: CriClient, id: string): Promise<void> {
  await client.runtime('StopPodSandbox', { pod_sandbox_id: id });
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
}

/** CreateContainer in the pod, then StartContainer; resolves with the container's id. */
export async function startContainer(client: CriClient, pod: RunningPod, config: CtrConfig): Promise<string> {
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config,
    sandbox_config: pod.config,
  });
  await client.runtime('StartContainer', { container_id: id });
  return id;
}

/** ExecSync that must exit 0; resolves with its stdout and stderr. */
export async function execOk(
  client: CriClient,
  id: string,
  cmd: string[],
  timeoutSeconds = 20,
): Promise<{ stdout: string; stderr: string }> {
  const r = await client.runtime('ExecSync', { container_id: id, cmd, timeout: timeoutSeconds });
  const [stdout, stderr] = [r.stdout.toString(), r.stderr.toString()];
  assert.equal(r.exit_code, 0, `${cmd.join(' ')}: ${stdout}${stderr}`);
  return { stdout, stderr };
}

/** A TCP port free on 127.0.0.1 just now (for a host port mapping). */
