// Everything the security context decides for one container, in one call for the spec builder:
// capabilities, seccomp filter, no_new_privs, masked/read-only paths, the AppArmor decision, and
// a summary of the effective settings for status and `corralctl inspect`.
import { InvalidArgumentError } from '../errors';
import type { Capabilities } from '../process/contract';
import { CapabilityRequest, resolveCapabilities } from './capabilities';
import { capabilityMask } from './capability_names';
import { decideAppArmor } from './lsm';
import { resolvePathPolicy } from './masked_paths';
import { resolveSeccomp } from './seccomp/select';
import type { SecurityProfileRequest } from './security_profile';

export interface ContainerSecurityRequest {
  privileged: boolean;
  capabilities: CapabilityRequest | null;
  noNewPrivs: boolean;
  /** CRI masked_paths / readonly_paths; [] means the defaults (proto3 cannot tell [] from absent). */
  maskedPaths: string[];
  readonlyPaths: string[];
  seccomp: SecurityProfileRequest | null;
  seccompProfilePath: string;
  apparmor: SecurityProfileRequest | null;
  apparmorProfile: string;
}

export interface SecuritySummary {
  privileged: boolean;
  noNewPrivileges: boolean;
  seccomp: 'unconfined' | 'runtime-default' | 'localhost';
  seccompProfilePath?: string;
  apparmor: string;
  capabilities: { bounding: string[]; effective: string[]; ambient: string[]; boundingMask: string };
  maskedPaths: string[];
  readonlyPaths: string[];
}

export interface ContainerSecurity {
  capabilities: Capabilities;
  noNewPrivileges: boolean;
  seccompFilter?: Buffer;
  maskedPaths: string[];
  readonlyPaths: string[];
  summary: SecuritySummary;
}

export async function resolveContainerSecurity(
  request: ContainerSecurityRequest,
  pod: { privileged: boolean },
): Promise<ContainerSecurity> {
  if (request.privileged && !pod.privileged) {
    throw new InvalidArgumentError('privileged: a privileged container needs a privileged pod sandbox');
  }
  const capabilities = resolveCapabilities({ privileged: request.privileged, capabilities: request.capabilities });
  const apparmor = decideAppArmor({ apparmor: request.apparmor, apparmorProfile: request.apparmorProfile });
  const seccomp = await resolveSeccomp({
    privileged: request.privileged,
    seccomp: request.seccomp,
    seccompProfilePath: request.seccompProfilePath,
    boundingCapabilities: capabilities.bounding,
  });
  const paths = resolvePathPolicy({
    privileged: request.privileged,
    // As given, empty included (proto3 cannot tell absent from empty; containerd masks nothing).
    maskedPaths: request.maskedPaths,
    readonlyPaths: request.readonlyPaths,
  });
  return {
    capabilities,
    noNewPrivileges: request.noNewPrivs,
    seccompFilter: seccomp.mode === 'unconfined' ? undefined : seccomp.compiled.filter,
    ...paths,
    summary: {
      privileged: request.privileged,
      noNewPrivileges: request.noNewPrivs,
      seccomp: seccomp.mode,
      ...(seccomp.mode === 'localhost' ? { seccompProfilePath: seccomp.profilePath } : {}),
      apparmor: apparmor.reason,
      capabilities: {
        bounding: capabilities.bounding,
        effective: capabilities.effective,
        ambient: capabilities.ambient,
        boundingMask: capabilityMask(capabilities.bounding),
      },
      ...paths,
    },
  };
}
