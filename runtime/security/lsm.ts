// AppArmor and SELinux requests on a host without those LSMs (this runtime loads neither).
// As containerd does there: asking for no profile, RuntimeDefault or unconfined is fine and
// changes nothing; a named (Localhost) AppArmor profile cannot be honoured and is an error, not
// silently dropped. SELinux options are ignored when SELinux is off, as containerd's labels are.
import { InvalidArgumentError } from '../errors';
import type { SecurityProfileRequest } from './security_profile';

export interface AppArmorRequest {
  /** CRI `apparmor` (structured); wins over the legacy string when present. */
  apparmor?: SecurityProfileRequest | null;
  /** CRI legacy `apparmor_profile`: "", "runtime/default", "unconfined" or "localhost/<name>". */
  apparmorProfile?: string;
}

export type LsmDecision = { confined: false; reason: string };

export function decideAppArmor(request: AppArmorRequest, field = 'apparmor'): LsmDecision {
  const profile = request.apparmor ?? legacyProfile(request.apparmorProfile ?? '', `${field}_profile`);
  if (!profile) return { confined: false, reason: 'no AppArmor profile requested' };
  const type = profile.profileType ?? 'RuntimeDefault';
  if (type !== 'Localhost' && profile.localhostRef) {
    throw new InvalidArgumentError(`${field}.localhost_ref: only allowed when profile_type is Localhost`);
  }
  switch (type) {
    case 'RuntimeDefault':
      return { confined: false, reason: 'AppArmor is not enabled on this host; RuntimeDefault means none' };
    case 'Unconfined':
      return { confined: false, reason: 'unconfined' };
    case 'Localhost':
      throw new InvalidArgumentError(
        `${field}: AppArmor profile ${JSON.stringify(profile.localhostRef ?? '')} requested, but AppArmor is not enabled on this host`,
      );
    default:
      throw new InvalidArgumentError(`${field}.profile_type: unknown ${JSON.stringify(type)}`);
  }
}

/** SELinux options are accepted and ignored: SELinux is not enabled on hosts corral runs on. */
export function decideSelinux(): LsmDecision {
  return { confined: false, reason: 'SELinux is not enabled on this host; selinux_options ignored' };
}

function legacyProfile(path: string, field: string): SecurityProfileRequest | undefined {
  if (path === '') return undefined;
  if (path === 'runtime/default') return { profileType: 'RuntimeDefault' };
  if (path === 'unconfined') return { profileType: 'Unconfined' };
  if (path.startsWith('localhost/')) return { profileType: 'Localhost', localhostRef: path.slice('localhost/'.length) };
  throw new InvalidArgumentError(`${field}: invalid profile ${JSON.stringify(path)}`);
}
