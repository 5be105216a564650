// What a container is asked to be, in corral's own terms (server/ converts the CRI
// ContainerConfig into this).
import type { IdMappingRequest } from '../security/user_namespace';
import type { CgroupResources } from '../cgroups/resources';
import type { NamespaceOptions } from '../sandbox/pod_config';
import type { CapabilityRequest } from '../security/capabilities';
import type { SecurityProfileRequest } from '../security/security_profile';

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface ImageSpecRequest {
  image: string;
  annotations: Record<string, string>;
  userSpecifiedImage: string;
  runtimeHandler: string;
}

export type MountPropagation = 'private' | 'rslave' | 'rshared';

export interface MountRequest {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  recursiveReadOnly: boolean;
  selinuxRelabel: boolean;
  propagation: MountPropagation;
  /**
   * An image volume (KEP-4639): the pulled image's layers, read-only; hostPath is "" in the request
   * and the volume's host-side mount once made. subPath ("" for the image's root) must be a directory.
   */
  image?: { reference: string; subPath: string };
  /** kubelet's uid/gid mappings for a user-namespaced pod's volume: an idmapped bind (KEP-127). */
  idMappings?: { uids: IdMappingRequest[]; gids: IdMappingRequest[] };
}

/** A host device node made available inside the container (CRI Device). */
export interface DeviceRequest {
  containerPath: string;
  hostPath: string;
  /** Some of "rwm": the cgroup's allow rule. */
  permissions: string;
}

export interface SecurityRequest {
  capabilities: CapabilityRequest | null;
  privileged: boolean;
  namespaces: NamespaceOptions;
  runAsUser: number | null;
  runAsUsername: string;
  runAsGroup: number | null;
  readonlyRootfs: boolean;
  supplementalGroups: number[];
  noNewPrivs: boolean;
  maskedPaths: string[];
  readonlyPaths: string[];
  supplementalGroupsPolicy: 'Merge' | 'Strict';
  seccomp: SecurityProfileRequest | null;
  /** The deprecated string form ("runtime/default", "unconfined", "localhost/<path>"). */
  seccompProfilePath: string;
  apparmor: SecurityProfileRequest | null;
  apparmorProfile: string;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpecRequest;
  command: string[];
  args: string[];
  workingDir: string;
  envs: Array<{ key: string; value: string }>;
  mounts: MountRequest[];
  /** Absent in records written before devices were supported. */
  devices?: DeviceRequest[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  /** "" for the image's (or SIGTERM), else e.g. "SIGQUIT". */
  stopSignal: string;
  security: SecurityRequest;
  /** cgroup limits from linux.resources (undefined: none asked). */
  resources?: CgroupResources;
  /** linux.resources.oom_score_adj, a per-process setting (undefined: no resources given). */
  oomScoreAdj?: number;
}

/** Unique within its pod: name_attempt. */
export function containerName(podId: string, metadata: ContainerMetadata): string {
  return `${podId}/${metadata.name}_${metadata.attempt}`;
}
