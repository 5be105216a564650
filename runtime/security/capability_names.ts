// Linux capability names by number (include/uapi/linux/capability.h), and the parsing of the
// forms CRI clients send: "NET_ADMIN" (kubelet), "CAP_NET_ADMIN", any letter case.
import { readFileSync } from 'node:fs';

export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

const NUMBER_BY_NAME = new Map(CAPABILITY_NAMES.map((name, number) => [name, number]));

/** "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; undefined when no such capability. */
export function canonicalCapabilityName(raw: string): string | undefined {
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return NUMBER_BY_NAME.has(name) ? name : undefined;
}

export function capabilityNumber(name: string): number {
  const number = NUMBER_BY_NAME.get(name);
  if (number === undefined) throw new Error(`not a capability name: ${name}`);
  return number;
}

/** Sorts by capability number, the order /proc/<pid>/status bit masks use. */
export function sortCapabilities(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => capabilityNumber(a) - capabilityNumber(b));
}

/**
 * The capabilities corrald itself holds (CapEff of /proc/self/status), read once: a container
 * can get no more, so "ALL" and privileged mean these (as containerd's cap.Current()). A host may
 * withhold some even from root (this one has no CAP_SYS_RESOURCE), and old kernels lack the
 * newest.
 */
let runtimeCapabilitiesCache: string[] | undefined;
export function runtimeCapabilities(): string[] {
  if (runtimeCapabilitiesCache === undefined) {
    let mask = (1n << BigInt(CAPABILITY_NAMES.length)) - 1n;
    try {
      const line = readFileSync('/proc/self/status', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('CapEff:'));
      if (line) mask = BigInt(`0x${line.split(/\s+/)[1]}`);
    } catch {
      /* keep every capability */
    }
    runtimeCapabilitiesCache = CAPABILITY_NAMES.filter((_, number) => (mask >> BigInt(number)) & 1n);
  }
  return [...runtimeCapabilitiesCache];
}

/** The capability bit mask as /proc/<pid>/status prints it (CapBnd: 000001ffffffffff). */
export function capabilityMask(names: Iterable<string>): string {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capabilityNumber(name));
  return mask.toString(16).padStart(16, '0');
}
