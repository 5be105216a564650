// CRI's SecurityProfile message (seccomp and AppArmor) as proto-loader hands it over.

export interface SecurityProfileRequest {
  profileType?: string; // 'RuntimeDefault' | 'Unconfined' | 'Localhost'
  localhostRef?: string;
}
