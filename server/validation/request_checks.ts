// Every request passes here before its handler: the generic caps first (lengths, NULs, counts),
// then object IDs, then the checks of its message family. Nothing is made before they pass.
import type { CreateContainerRequest__Output } from '../../proto/generated/runtime/v1/CreateContainerRequest';
import type { ExecSyncRequest__Output } from '../../proto/generated/runtime/v1/ExecSyncRequest';
import type { RunPodSandboxRequest__Output } from '../../proto/generated/runtime/v1/RunPodSandboxRequest';
import type { UpdateContainerResourcesRequest__Output } from '../../proto/generated/runtime/v1/UpdateContainerResourcesRequest';
import { checkRequestIds } from './id_checks';
import { RUNTIME_HANDLER_NAMES } from '../runtime_status';
import { checkContainerConfig } from './container_checks';
import { checkImageName } from './image_checks';
import { checkRequestLimits } from './limits';
import { checkPodSandboxConfig, checkRuntimeHandler } from './pod_sandbox_checks';
import { checkProcess } from './process_checks';
import { checkResources } from './resources_checks';
import { checkRuntimeConfig } from './runtime_config_checks';
import { checkCleanAbsolutePath, invalid } from './text';

type Check = (request: unknown) => void;

/** A check of one method's request: grpc-js has decoded it to that method's message type. */
const typed = <Req>(check: (request: Req) => void): Check => check as Check;

const imageRequest = typed<{ image?: { image?: string } | null }>((r) =>
  checkImageName('image.image', r.image?.image ?? ''),
);
const execRequest = typed<{ cmd?: string[] }>((r) => checkProcess('cmd', { command: r.cmd ?? [] }));
/** A negative timeout has no meaning (0 is none); containerd would run the command without one. */
const execSyncRequest = typed<ExecSyncRequest__Output>((r) => {
  if (String(r.timeout).trim().startsWith('-')) throw invalid('timeout', String(r.timeout), 'must not be negative');
  execRequest(r);
});

const FAMILY_CHECKS: Record<string, Check> = {
  'RuntimeService.RunPodSandbox': typed<RunPodSandboxRequest__Output>((r) => {
    checkRuntimeHandler(r.runtime_handler, RUNTIME_HANDLER_NAMES);
    checkPodSandboxConfig(r.config);
  }),
  'RuntimeService.CreateContainer': typed<CreateContainerRequest__Output>((r) => {
    const logDirectory: string = r.sandbox_config?.log_directory ?? '';
    if (logDirectory !== '') checkCleanAbsolutePath('sandbox_config.log_directory', logDirectory);
    checkContainerConfig(r.config, logDirectory);
  }),
  'RuntimeService.UpdateContainerResources': typed<UpdateContainerResourcesRequest__Output>((r) =>
    checkResources('linux', r.linux),
  ),
  'RuntimeService.ExecSync': execSyncRequest,
  'RuntimeService.Exec': execRequest,
  'RuntimeService.UpdateRuntimeConfig': typed(checkRuntimeConfig),
  'ImageService.PullImage': imageRequest,
  'ImageService.ImageStatus': imageRequest,
  'ImageService.RemoveImage': imageRequest,
};

export function checkRequest(method: string, request: unknown): void {
  checkRequestLimits(request);
  checkRequestIds(method, request);
  FAMILY_CHECKS[method]?.(request);
}
