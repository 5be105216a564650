// Choosing the host's manifest from an image index / manifest list.
import { NotFoundError } from '../errors';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_TO_OCI_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

export function hostPlatform(): Platform {
  const architecture = NODE_TO_OCI_ARCH[process.arch] ?? process.arch;
  return architecture === 'arm64' ? { os: 'linux', architecture, variant: 'v8' } : { os: 'linux', architecture };
}

export interface IndexEntry {
  digest: string;
  mediaType?: string;
  size: number;
  platform?: Partial<Platform>;
  annotations?: Record<string, string>;
}

/** The entry for `want`; an entry without variant matches any variant of its architecture. */
export function choosePlatform(entries: IndexEntry[], want: Platform, what: string): IndexEntry {
  const candidates = entries.filter(
    (e) => e.platform?.os === want.os && e.platform?.architecture === want.architecture,
  );
  const exact = candidates.find((e) => (e.platform?.variant ?? want.variant) === want.variant);
  const chosen = exact ?? candidates[0];
  if (!chosen) {
    const offered = entries.map((e) => `${e.platform?.os ?? '?'}/${e.platform?.architecture ?? '?'}`).join(', ');
    throw new NotFoundError(
      `${what}: no manifest for ${want.os}/${want.architecture} in its index (has: ${offered || 'none'})`,
    );
  }
  return chosen;
}
