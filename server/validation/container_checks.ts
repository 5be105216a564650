// CreateContainer's ContainerConfig, checked before anything is made: the name, image, process,
// paths (log, working directory, mounts, devices), enums and IDs.
import type { ContainerConfig__Output } from '../../proto/generated/runtime/v1/ContainerConfig';
import type { Device__Output } from '../../proto/generated/runtime/v1/Device';
import type { Mount__Output } from '../../proto/generated/runtime/v1/Mount';
import { Signal } from '../../proto/generated/runtime/v1/Signal';
import { InvalidArgumentError } from '../../runtime/errors';
import { checkImageName } from './image_checks';
import { checkAnnotations, checkLabels } from './metadata_checks';
import { checkNamespaceOptions } from './namespace_checks';
import { checkProcess } from './process_checks';
import { checkResources } from './resources_checks';
import {
  PATH_MAX,
  checkCleanAbsolutePath,
  checkCleanPath,
  checkMaxLength,
  checkNoControl,
  checkObjectName,
  checkOneOf,
  invalid,
} from './text';
import { checkIds } from './user_checks';

export const PROPAGATIONS = ['PROPAGATION_PRIVATE', 'PROPAGATION_HOST_TO_CONTAINER', 'PROPAGATION_BIDIRECTIONAL'];
const SIGNALS = Object.keys(Signal);
const MAX_USERNAME = 256;

/** `logDirectory` is the pod's, from the request's sandbox_config ("" when not given). */
export function checkContainerConfig(config: ContainerConfig__Output | null, logDirectory: string): void {
  if (!config) return; // the conversion reports the missing config
  if (config.metadata) checkObjectName('metadata.name', config.metadata.name, true);
  if (config.image) checkImageName('image.image', config.image.image);
  checkLabels('labels', config.labels);
  checkAnnotations('annotations', config.annotations);
  checkProcess('command', { command: config.command, args: config.args, env: config.envs });
  if (config.working_dir !== '') checkCleanAbsolutePath('working_dir', config.working_dir);
  checkLogPath(config.log_path, logDirectory);
  config.mounts.forEach((m, i) => checkMount(`mounts[${i}]`, m));
  config.devices.forEach((d, i) => checkDevice(`devices[${i}]`, d));
  checkOneOf('stop_signal', config.stop_signal, SIGNALS);
  const linux = config.linux;
  checkResources('linux.resources', linux?.resources);
  const security = linux?.security_context;
  if (security) {
    checkNamespaceOptions('linux.security_context.namespace_options', security.namespace_options);
    checkIds('linux.security_context', security);
    checkMaxLength('linux.security_context.run_as_username', security.run_as_username, MAX_USERNAME);
    checkNoControl('linux.security_context.run_as_username', security.run_as_username);
    checkOneOf('linux.security_context.supplemental_groups_policy', security.supplemental_groups_policy, [
      'Merge',
      'Strict',
    ]);
  }
}

/** The log file is log_directory/log_path: relative, never leaving the directory, within PATH_MAX. */
function checkLogPath(logPath: string, logDirectory: string): void {
  if (logPath === '') return;
  if (logPath.startsWith('/')) throw invalid('log_path', logPath, 'must be relative to the pod log_directory');
  checkCleanPath('log_path', logPath);
  if (logDirectory.length + 1 + logPath.length > PATH_MAX - 1)
    throw new InvalidArgumentError(`log_directory/log_path is longer than ${PATH_MAX - 1} characters`);
}

function checkMount(field: string, mount: Mount__Output): void {
  checkOneOf(`${field}.propagation`, mount.propagation, PROPAGATIONS);
  // kubelet's hostPath volumes never hold "..", and an image volume has no host path.
  if (mount.host_path !== '') checkCleanAbsolutePath(`${field}.host_path`, mount.host_path);
  checkMaxLength(`${field}.container_path`, mount.container_path, PATH_MAX - 1);
  if (mount.image && mount.image.image !== '') checkImageName(`${field}.image.image`, mount.image.image);
  // Resolved inside the image later (openat2 RESOLVE_IN_ROOT); kubelet's own rule is relative, no "..".
  if (mount.image_sub_path !== '') {
    if (mount.image_sub_path.startsWith('/'))
      throw invalid(`${field}.image_sub_path`, mount.image_sub_path, 'must be a relative path');
    checkCleanPath(`${field}.image_sub_path`, mount.image_sub_path);
    checkNoControl(`${field}.image_sub_path`, mount.image_sub_path);
  }
}

function checkDevice(field: string, device: Device__Output): void {
  checkCleanAbsolutePath(`${field}.host_path`, device.host_path);
  checkCleanAbsolutePath(`${field}.container_path`, device.container_path);
  const permissions = device.permissions;
  const letters = new Set(permissions);
  if (permissions.length > 3 || letters.size !== permissions.length || [...letters].some((c) => !'rwm'.includes(c)))
    throw invalid(`${field}.permissions`, permissions, 'must be made of r, w and m, each at most once');
}
