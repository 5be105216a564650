// Which handler serves each CRI method. A method without an entry answers UNIMPLEMENTED with
// the issue that brings it, so no call ever hangs.
import type { RpcEntry } from './rpc';
import { runtimeVersion } from './runtime_version';
import { runtimeStatus } from './runtime_status';
import { runtimeConfig } from './runtime_config';
import { runtimeConfigUpdate } from './runtime_config_update';
import { imagePull } from './image_pull';
import { imageList } from './image_list';
import { imageStatus } from './image_status';
import { imageRemove } from './image_remove';
import { imageFsInfo } from './image_fs_info';
import { imageStream } from './image_stream';
import { sandboxStream } from './sandbox_stream';
import { containerStream } from './container_stream';
import { containerStatsStream } from './container_stats_stream';
import { sandboxStatsStream } from './sandbox_stats_stream';
import { sandboxRun } from './sandbox_run';
import { sandboxStop } from './sandbox_stop';
import { sandboxRemove } from './sandbox_remove';
import { sandboxStatus } from './sandbox_status';
import { sandboxList } from './sandbox_list';
import { containerCreate } from './container_create';
import { containerStart } from './container_start';
import { containerStop } from './container_stop';
import { containerRemove } from './container_remove';
import { containerStatus } from './container_status';
import { containerList } from './container_list';
import { containerExecSync } from './container_exec_sync';
import { containerReopenLog } from './container_reopen_log';
import { containerEvents } from './container_events';
import { containerUpdateResources } from './container_update_resources';
import { sandboxUpdateResources } from './sandbox_update_resources';
import { containerStats } from './container_stats';
import { containerStatsList } from './container_stats_list';
import { sandboxStats } from './sandbox_stats';
import { sandboxStatsList } from './sandbox_stats_list';
import { containerExec } from './container_exec';
import { containerAttach } from './container_attach';
import { sandboxPortForward } from './sandbox_port_forward';
import { metricDescriptorsList } from './metric_descriptors_list';
import { sandboxMetricsList } from './sandbox_metrics_list';
import { sandboxMetricsStream } from './sandbox_metrics_stream';

export const RPC_TABLE: Record<string, RpcEntry> = {
  'RuntimeService.Version': { kind: 'unary', handler: runtimeVersion },
  'RuntimeService.Status': { kind: 'unary', handler: runtimeStatus },
  'RuntimeService.RuntimeConfig': { kind: 'unary', handler: runtimeConfig },
  'RuntimeService.UpdateRuntimeConfig': { kind: 'unary', handler: runtimeConfigUpdate },
  'ImageService.PullImage': { kind: 'unary', handler: imagePull },
  'ImageService.ListImages': { kind: 'unary', handler: imageList },
  'ImageService.ImageStatus': { kind: 'unary', handler: imageStatus },
  'ImageService.RemoveImage': { kind: 'unary', handler: imageRemove },
  'ImageService.ImageFsInfo': { kind: 'unary', handler: imageFsInfo },
  'ImageService.StreamImages': { kind: 'stream', handler: imageStream },
  'RuntimeService.StreamPodSandboxes': { kind: 'stream', handler: sandboxStream },
  'RuntimeService.StreamContainers': { kind: 'stream', handler: containerStream },
  'RuntimeService.StreamContainerStats': { kind: 'stream', handler: containerStatsStream },
  'RuntimeService.StreamPodSandboxStats': { kind: 'stream', handler: sandboxStatsStream },
  'RuntimeService.RunPodSandbox': { kind: 'unary', handler: sandboxRun },
  'RuntimeService.StopPodSandbox': { kind: 'unary', handler: sandboxStop },
  'RuntimeService.RemovePodSandbox': { kind: 'unary', handler: sandboxRemove },
  'RuntimeService.PodSandboxStatus': { kind: 'unary', handler: sandboxStatus },
  'RuntimeService.ListPodSandbox': { kind: 'unary', handler: sandboxList },
  'RuntimeService.CreateContainer': { kind: 'unary', handler: containerCreate },
  'RuntimeService.StartContainer': { kind: 'unary', handler: containerStart },
  'RuntimeService.StopContainer': { kind: 'unary', handler: containerStop },
  'RuntimeService.RemoveContainer': { kind: 'unary', handler: containerRemove },
  'RuntimeService.ContainerStatus': { kind: 'unary', handler: containerStatus },
  'RuntimeService.ListContainers': { kind: 'unary', handler: containerList },
  'RuntimeService.ExecSync': { kind: 'unary', handler: containerExecSync },
  'RuntimeService.ReopenContainerLog': { kind: 'unary', handler: containerReopenLog },
  'RuntimeService.GetContainerEvents': { kind: 'stream', handler: containerEvents },
  'RuntimeService.UpdateContainerResources': { kind: 'unary', handler: containerUpdateResources },
  'RuntimeService.UpdatePodSandboxResources': { kind: 'unary', handler: sandboxUpdateResources },
  'RuntimeService.ContainerStats': { kind: 'unary', handler: containerStats },
  'RuntimeService.ListContainerStats': { kind: 'unary', handler: containerStatsList },
  'RuntimeService.PodSandboxStats': { kind: 'unary', handler: sandboxStats },
  'RuntimeService.ListPodSandboxStats': { kind: 'unary', handler: sandboxStatsList },
  'RuntimeService.Exec': { kind: 'unary', handler: containerExec },
  'RuntimeService.Attach': { kind: 'unary', handler: containerAttach },
  'RuntimeService.PortForward': { kind: 'unary', handler: sandboxPortForward },
  'RuntimeService.ListMetricDescriptors': { kind: 'unary', handler: metricDescriptorsList },
  'RuntimeService.ListPodSandboxMetrics': { kind: 'unary', handler: sandboxMetricsList },
  'RuntimeService.StreamPodSandboxMetrics': { kind: 'stream', handler: sandboxMetricsStream },
};

/** Why a method is not served yet: the capability (issue) it arrives with. */
export const PENDING_CAPABILITY: Record<string, string> = {
  CheckpointContainer: 'checkpointing',
  CheckpointPod: 'checkpointing',
  RestorePod: 'checkpointing',
};
