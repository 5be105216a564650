// What a pod's security context decides for the sandbox: validated sysctls, its user
// namespace, and a check of its seccomp/AppArmor request (the infra process itself runs
// unfiltered, but a bad profile must fail RunPodSandbox as it does in containerd).
import type { UserNamespaceSpec } from '../process/contract';
import { decideAppArmor } from './lsm';
import { resolveSeccomp } from './seccomp/select';
import type { SecurityProfileRequest } from './security_profile';
import { validateSysctls } from './sysctls';
import { resolveUserNamespace, UserNamespaceRequest } from './user_namespace';
import { DEFAULT_CAPABILITIES } from './capabilities';

export interface SandboxSecurityRequest {
  privileged: boolean;
  sysctls: Record<string, string>;
  hostNetwork: boolean;
  hostIpc: boolean;
  userNamespace: UserNamespaceRequest | null;
  seccomp: SecurityProfileRequest | null;
  seccompProfilePath: string;
  apparmor: SecurityProfileRequest | null;
  apparmorProfile: string;
}

export interface SandboxSecurity {
  sysctls: Record<string, string>;
  /** undefined: the pod stays in the host's user namespace. */
  userNamespace?: UserNamespaceSpec;
}

export async function resolveSandboxSecurity(request: SandboxSecurityRequest): Promise<SandboxSecurity> {
  const sysctls = validateSysctls(request.sysctls, { hostNetwork: request.hostNetwork, hostIpc: request.hostIpc });
  const userNamespace = resolveUserNamespace(request.userNamespace);
  decideAppArmor({ apparmor: request.apparmor, apparmorProfile: request.apparmorProfile });
  await resolveSeccomp({
    privileged: request.privileged,
    seccomp: request.seccomp,
    seccompProfilePath: request.seccompProfilePath,
    boundingCapabilities: DEFAULT_CAPABILITIES,
  });
  return userNamespace ? { sysctls, userNamespace } : { sysctls };
}
