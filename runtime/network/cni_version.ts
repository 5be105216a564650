// CNI spec versions: which ones corral speaks, and which one to use for a network config.

/** Versions whose request and result formats corral understands, oldest first. */
export const SUPPORTED_CNI_VERSIONS: readonly string[] = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'];

const NEWEST = '1.0.0';

export function isSemver(version: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(version);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export function atLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}

/**
 * The highest version of those a config declares (cniVersion plus cniVersions) that corral speaks.
 * A newer 1.x is spoken as 1.0.0: the spec keeps configs compatible within a major version.
 * Returns undefined when none can be used.
 */
export function selectVersion(declared: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const version of declared) {
    let usable: string | undefined;
    if (SUPPORTED_CNI_VERSIONS.includes(version)) usable = version;
    else if (isSemver(version) && version.startsWith('1.') && atLeast(version, NEWEST)) usable = NEWEST;
    if (usable && (!best || compareVersions(usable, best) > 0)) best = usable;
  }
  return best;
}
