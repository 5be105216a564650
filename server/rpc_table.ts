// Which handler serves each CRI method. A method without an entry answers UNIMPLEMENTED with
// the issue that brings it, so no call ever hangs.
import type { RpcEntry } from './rpc';
import { runtimeVersion } from './runtime_version';
import { runtimeStatus } from './runtime_status';
import { runtimeConfig } from './runtime_config';
import { runtimeConfigUpdate } from './runtime_config_update';
import { containerExec } from './container_exec';
import { containerAttach } from './container_attach';
import { sandboxPortForward } from './sandbox_port_forward';

export const RPC_TABLE: Record<string, RpcEntry> = {
  'RuntimeService.Version': { kind: 'unary', handler: runtimeVersion },
  'RuntimeService.Status': { kind: 'unary', handler: runtimeStatus },
  'RuntimeService.RuntimeConfig': { kind: 'unary', handler: runtimeConfig },
  'RuntimeService.UpdateRuntimeConfig': { kind: 'unary', handler: runtimeConfigUpdate },
  'RuntimeService.Exec': { kind: 'unary', handler: containerExec },
  'RuntimeService.Attach': { kind: 'unary', handler: containerAttach },
  'RuntimeService.PortForward': { kind: 'unary', handler: sandboxPortForward },
};

/** Why a method is not served yet: the capability (issue) it arrives with. */
export const PENDING_CAPABILITY: Record<string, string> = {
  RunPodSandbox: 'pod sandbox lifecycle', StopPodSandbox: 'pod sandbox lifecycle',
  RemovePodSandbox: 'pod sandbox lifecycle', PodSandboxStatus: 'pod sandbox lifecycle',
  ListPodSandbox: 'pod sandbox lifecycle', CreateContainer: 'container lifecycle',
  StartContainer: 'container lifecycle', StopContainer: 'container lifecycle',
  RemoveContainer: 'container lifecycle', ListContainers: 'container lifecycle',
  ContainerStatus: 'container lifecycle', ReopenContainerLog: 'container lifecycle',
  ExecSync: 'container lifecycle', GetContainerEvents: 'container lifecycle',
  CheckpointContainer: 'container checkpointing',
  UpdateContainerResources: 'cgroup resources', UpdatePodSandboxResources: 'cgroup resources',
  ContainerStats: 'cgroup stats', ListContainerStats: 'cgroup stats', PodSandboxStats: 'cgroup stats',
  ListPodSandboxStats: 'cgroup stats', ListMetricDescriptors: 'cgroup stats', ListPodSandboxMetrics: 'cgroup stats',
  ListImages: 'image service', ImageStatus: 'image service', PullImage: 'image service',
  RemoveImage: 'image service', ImageFsInfo: 'image service',
};
