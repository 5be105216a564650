// CRI ContainerConfig → corral's ContainerConfig.
import { resourcesFromCri } from './cri_resources';
import type { ContainerConfig__Output } from '../proto/generated/runtime/v1/ContainerConfig';
import type { Mount__Output } from '../proto/generated/runtime/v1/Mount';
import type { LinuxContainerSecurityContext__Output } from '../proto/generated/runtime/v1/LinuxContainerSecurityContext';
import type {
  ContainerConfig,
  MountPropagation,
  MountRequest,
  SecurityRequest,
} from '../runtime/container/container_config';
import { FailedPreconditionError, InvalidArgumentError } from '../runtime/errors';
import { namespaceOptionsFromCri, profileFromCri } from './cri_pod_config';

const PROPAGATION: Record<string, MountPropagation> = {
  PROPAGATION_PRIVATE: 'private',
  PROPAGATION_HOST_TO_CONTAINER: 'rslave',
  PROPAGATION_BIDIRECTIONAL: 'rshared',
};

function int64(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`${field} must be a non-negative integer, got ${value}`);
  return n;
}

/** KEP-4639: kubelet sends the image's ref, no host path, read-only (containerd refuses anything else). */
function imageVolumeFromCri(mount: Mount__Output): MountRequest['image'] {
  const where = `mount ${JSON.stringify(mount.container_path)}`;
  if (!mount.image || mount.image.image === '') {
    if (mount.image_sub_path !== '') throw new InvalidArgumentError(`${where}: image_sub_path needs an image`);
    return undefined;
  }
  if (mount.host_path !== '') throw new InvalidArgumentError(`${where}: an image volume has no host_path`);
  if (!mount.readonly) throw new InvalidArgumentError(`${where}: an image volume must be readonly`);
  return { reference: mount.image.image, subPath: mount.image_sub_path };
}

function mountFromCri(mount: Mount__Output): MountRequest {
  const image = imageVolumeFromCri(mount);
  const idMapped = mount.uidMappings.length > 0 || mount.gidMappings.length > 0;
  const mappings = (list: Mount__Output['uidMappings']) =>
    list.map((m) => ({ hostId: m.host_id, containerId: m.container_id, length: m.length }));
  return {
    ...(idMapped ? { idMappings: { uids: mappings(mount.uidMappings), gids: mappings(mount.gidMappings) } } : {}),
    ...(image ? { image } : {}),
    containerPath: mount.container_path,
    hostPath: mount.host_path,
    readonly: mount.readonly,
    recursiveReadOnly: mount.recursive_read_only,
    selinuxRelabel: mount.selinux_relabel,
    propagation: PROPAGATION[mount.propagation] ?? 'private',
  };
}

function securityFromCri(security: LinuxContainerSecurityContext__Output | null | undefined): SecurityRequest {
  const caps = security?.capabilities;
  return {
    capabilities: caps
      ? {
          add: [...caps.add_capabilities],
          drop: [...caps.drop_capabilities],
          addAmbient: [...caps.add_ambient_capabilities],
        }
      : null,
    privileged: security?.privileged ?? false,
    namespaces: namespaceOptionsFromCri(security?.namespace_options),
    runAsUser: security?.run_as_user ? int64(security.run_as_user.value, 'run_as_user') : null,
    runAsUsername: security?.run_as_username ?? '',
    runAsGroup: security?.run_as_group ? int64(security.run_as_group.value, 'run_as_group') : null,
    readonlyRootfs: security?.readonly_rootfs ?? false,
    supplementalGroups: (security?.supplemental_groups ?? []).map((g) => int64(g, 'supplemental_groups')),
    noNewPrivs: security?.no_new_privs ?? false,
    maskedPaths: [...(security?.masked_paths ?? [])],
    readonlyPaths: [...(security?.readonly_paths ?? [])],
    supplementalGroupsPolicy: security?.supplemental_groups_policy === 'Strict' ? 'Strict' : 'Merge',
    seccomp: profileFromCri(security?.seccomp),
    seccompProfilePath: security?.seccomp_profile_path ?? '',
    apparmor: profileFromCri(security?.apparmor),
    apparmorProfile: security?.apparmor_profile ?? '',
  };
}

/** "SIGNAL_SIGQUIT" → "SIGQUIT"; the runtime default → "". */
export function stopSignalFromCri(signal: string): string {
  return signal === 'SIGNAL_RUNTIME_DEFAULT' || signal === '' ? '' : signal.replace(/^SIGNAL_/, '');
}

export function containerConfigFromCri(config: ContainerConfig__Output | null): ContainerConfig {
  if (!config) throw new InvalidArgumentError('container config is required');
  if (!config.metadata || config.metadata.name === '')
    throw new InvalidArgumentError('container config.metadata.name is required');
  if (!config.image || config.image.image === '')
    throw new InvalidArgumentError('container config.image.image is required');
  refuseCdiDevices(config.CDI_devices);
  return {
    metadata: { ...config.metadata },
    image: {
      image: config.image.image,
      annotations: { ...config.image.annotations },
      userSpecifiedImage: config.image.user_specified_image,
      runtimeHandler: config.image.runtime_handler,
    },
    command: [...config.command],
    args: [...config.args],
    workingDir: config.working_dir,
    // KeyValue.value is bytes on the wire (it arrives as a Buffer).
    envs: config.envs.map((kv) => ({ key: kv.key, value: Buffer.from(kv.value).toString('utf8') })),
    mounts: config.mounts.map(mountFromCri),
    devices: config.devices.map((d) => ({
      containerPath: d.container_path,
      hostPath: d.host_path,
      permissions: d.permissions,
    })),
    labels: { ...config.labels },
    annotations: { ...config.annotations },
    logPath: config.log_path,
    stdin: config.stdin,
    stdinOnce: config.stdin_once,
    tty: config.tty,
    stopSignal: stopSignalFromCri(config.stop_signal),
    security: securityFromCri(config.linux?.security_context),
    resources: resourcesFromCri(config.linux?.resources),
    oomScoreAdj: oomScoreAdjFromCri(config.linux?.resources?.oom_score_adj),
  };
}

/**
 * corral has no CDI registry: a container that asks for a CDI device (a device plugin or DRA
 * driver's GPU, say) fails clearly instead of starting without it, as containerd does when it
 * cannot resolve one.
 */
function refuseCdiDevices(devices: ContainerConfig__Output['CDI_devices']): void {
  if (devices.length === 0) return;
  const name = devices[0].name.slice(0, 128);
  throw new FailedPreconditionError(
    `CDI device ${JSON.stringify(name)}${devices.length > 1 ? ` (and ${devices.length - 1} more)` : ''}: ` +
      'corral has no CDI support; use a device plugin that returns device nodes (ContainerConfig.devices)',
  );
}

/** The kernel's range; containerd writes the value even when it is 0, and so does corral. */
function oomScoreAdjFromCri(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const adj = Number(value);
  if (!Number.isInteger(adj) || adj < -1000 || adj > 1000)
    throw new InvalidArgumentError(`oom_score_adj must be between -1000 and 1000, got ${value}`);
  return adj;
}
