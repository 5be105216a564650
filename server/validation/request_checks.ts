// Every request passes here before its handler: the generic caps first (lengths, NULs, counts),
// then object IDs, then the checks of its message family. Nothing is made before they pass.
import { checkRequestIds } from './id_checks';
import { RUNTIME_HANDLER_NAMES } from '../runtime_status';
import { checkContainerConfig } from './container_checks';
import { checkImageName } from './image_checks';
import { checkRequestLimits } from './limits';
import { checkPodSandboxConfig, checkRuntimeHandler } from './pod_sandbox_checks';
import { checkProcess } from './process_checks';
import { checkResources } from './resources_checks';
import { checkRuntimeConfig } from './runtime_config_checks';
import { checkCleanAbsolutePath } from './text';

type Check = (request: any) => void;

const imageRequest: Check = (r) => checkImageName('image.image', r.image?.image ?? '');
const execRequest: Check = (r) => checkProcess('cmd', { command: r.cmd ?? [] });

const FAMILY_CHECKS: Record<string, Check> = {
  'RuntimeService.RunPodSandbox': (r) => {
    checkRuntimeHandler(r.runtime_handler, RUNTIME_HANDLER_NAMES);
    checkPodSandboxConfig(r.config);
  },
  'RuntimeService.CreateContainer': (r) => {
    const logDirectory: string = r.sandbox_config?.log_directory ?? '';
    if (logDirectory !== '') checkCleanAbsolutePath('sandbox_config.log_directory', logDirectory);
    checkContainerConfig(r.config, logDirectory);
  },
  'RuntimeService.UpdateContainerResources': (r) => checkResources('linux', r.linux),
  'RuntimeService.ExecSync': execRequest,
  'RuntimeService.Exec': execRequest,
  'RuntimeService.UpdateRuntimeConfig': checkRuntimeConfig,
  'ImageService.PullImage': imageRequest,
  'ImageService.ImageStatus': imageRequest,
  'ImageService.RemoveImage': imageRequest,
};

export function checkRequest(method: string, request: unknown): void {
  checkRequestLimits(request);
  checkRequestIds(method, request);
  FAMILY_CHECKS[method]?.(request);
}
