// CRI PodSandboxConfig → corral's PodConfig (the only place that reads the gRPC shape of it).
import type { LinuxContainerResources__Output } from '../proto/generated/runtime/v1/LinuxContainerResources';
import { podResources } from '../runtime/cgroups/pod_resources';
import type { CgroupResources } from '../runtime/cgroups/resources';
import { resourcesFromCri } from './cri_resources';
import type { NamespaceOption__Output } from '../proto/generated/runtime/v1/NamespaceOption';
import type { PodSandboxConfig__Output } from '../proto/generated/runtime/v1/PodSandboxConfig';
import type { SecurityProfile__Output } from '../proto/generated/runtime/v1/SecurityProfile';
import { InvalidArgumentError } from '../runtime/errors';
import type { UserNamespaceRequest } from '../runtime/security/user_namespace';
import type { UserNamespace__Output } from '../proto/generated/runtime/v1/UserNamespace';
import type { SecurityProfileRequest } from '../runtime/security/security_profile';
import type { NamespaceOptions, PodConfig } from '../runtime/sandbox/pod_config';

/** Unset options mean POD for every namespace (NamespaceMode's zero value), as in containerd. */
export function namespaceOptionsFromCri(options: NamespaceOption__Output | null | undefined): NamespaceOptions {
  return {
    network: options?.network ?? 'POD',
    pid: options?.pid ?? 'POD',
    ipc: options?.ipc ?? 'POD',
    targetId: options?.target_id ?? '',
  };
}

/** CRI SecurityProfile (seccomp, AppArmor) → the security library's request; absent → null. */
export function profileFromCri(profile: SecurityProfile__Output | null | undefined): SecurityProfileRequest | null {
  return profile ? { profileType: profile.profile_type, localhostRef: profile.localhost_ref } : null;
}

/** CRI userns_options → the security library's request; absent → null (the host's). */
function userNamespaceFromCri(userns: UserNamespace__Output | null | undefined): UserNamespaceRequest | null {
  if (!userns) return null;
  const mappings = (list: UserNamespace__Output['uids']) =>
    list.map((m) => ({ hostId: m.host_id, containerId: m.container_id, length: m.length }));
  return { mode: userns.mode, uids: mappings(userns.uids), gids: mappings(userns.gids) };
}

export function podConfigFromCri(config: PodSandboxConfig__Output | null, runtimeHandler: string): PodConfig {
  if (!config) throw new InvalidArgumentError('pod sandbox config is required');
  if (!config.metadata) throw new InvalidArgumentError('pod sandbox config.metadata is required');
  const linux = config.linux;
  const security = linux?.security_context;
  const dns = config.dns_config;
  return {
    metadata: { ...config.metadata },
    hostname: config.hostname,
    logDirectory: config.log_directory,
    dns: dns ? { servers: [...dns.servers], searches: [...dns.searches], options: [...dns.options] } : null,
    portMappings: config.port_mappings.map((p) => ({
      protocol: p.protocol,
      containerPort: p.container_port,
      hostPort: p.host_port,
      hostIp: p.host_ip,
    })),
    labels: { ...config.labels },
    annotations: { ...config.annotations },
    cgroupParent: linux?.cgroup_parent ?? '',
    sysctls: { ...(linux?.sysctls ?? {}) },
    namespaces: namespaceOptionsFromCri(security?.namespace_options),
    privileged: security?.privileged ?? false,
    userNamespace: userNamespaceFromCri(security?.namespace_options?.userns_options),
    seccomp: profileFromCri(security?.seccomp),
    seccompProfilePath: security?.seccomp_profile_path ?? '',
    apparmor: profileFromCri(security?.apparmor),
    apparmorProfile: '',
    runtimeHandler,
    resources: podResourcesFromCri(linux?.resources, linux?.overhead),
  };
}

/** The pod cgroup's limits: the containers' sum (resources) plus the runtime class overhead. */
export function podResourcesFromCri(
  resources: LinuxContainerResources__Output | null | undefined,
  overhead: LinuxContainerResources__Output | null | undefined,
): CgroupResources | undefined {
  if (!resources) return undefined;
  const total = podResources(resourcesFromCri(resources), resourcesFromCri(overhead));
  return Object.values(total).some((v) => v !== undefined) ? total : undefined;
}
