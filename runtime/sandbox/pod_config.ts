// What a pod sandbox is asked to be, in corral's own terms (server/ converts the CRI
// PodSandboxConfig into this; nothing below server/ sees gRPC types).
import type { CgroupResources } from '../cgroups/resources';
import type { SecurityProfileRequest } from '../security/security_profile';
import type { UserNamespaceRequest } from '../security/user_namespace';

/** Where a pod's namespace comes from: its own (POD), per container, the node's, or another container's. */
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface NamespaceOptions {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  targetId: string;
}

export interface PodMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PortMapping {
  protocol: string;
  containerPort: number;
  hostPort: number;
  hostIp: string;
}

export interface PodConfig {
  metadata: PodMetadata;
  hostname: string;
  logDirectory: string;
  dns: DnsConfig | null;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  cgroupParent: string;
  sysctls: Record<string, string>;
  namespaces: NamespaceOptions;
  privileged: boolean;
  /** CRI userns_options; null: the host's user namespace. */
  userNamespace: UserNamespaceRequest | null;
  /** Checked at RunPodSandbox (a bad profile fails it, as in containerd); the infra runs unfiltered. */
  seccomp: SecurityProfileRequest | null;
  seccompProfilePath: string;
  apparmor: SecurityProfileRequest | null;
  apparmorProfile: string;
  runtimeHandler: string;
  /** The pod cgroup's limits: the containers' sum plus overhead (undefined: none). */
  resources?: CgroupResources;
}

/** The reserved name kubelet retries find: name_namespace_uid_attempt, as containerd makes it. */
export function sandboxName(metadata: PodMetadata): string {
  return [metadata.name, metadata.namespace, metadata.uid, String(metadata.attempt)].join('_');
}
