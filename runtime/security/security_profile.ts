// CRI's SecurityProfile message (seccomp and AppArmor) as proto-loader hands it over.

export interface SecurityProfileRequest {
  profile_type?: string;          // 'RuntimeDefault' | 'Unconfined' | 'Localhost'
  localhost_ref?: string;
}
