// The capability set a container gets: containerd's default set (everything when privileged),
// then the CRI's add/drop in containerd's order: add ALL, drop ALL, add each, drop each.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors';
import type { Capabilities } from '../../process/contract';
import type { CapabilityRequest } from '../container_config';

/** Kernel capability names by number (linux/capability.h). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

let hostCapabilities: string[] | undefined;

/**
 * Every capability corrald itself may pass on, so "privileged" means all of them: the kernel's
 * (cap_last_cap) that are also in corrald's own bounding set. A node whose root lacks one
 * (this kind of host has no CAP_SYS_RESOURCE) would otherwise fail capset for privileged pods.
 */
export function allCapabilities(): string[] {
  if (!hostCapabilities) {
    const bounding = ownBoundingSet();
    hostCapabilities = CAPABILITY_NAMES.filter((_, bit) => (bounding >> BigInt(bit)) & 1n);
  }
  return [...hostCapabilities];
}

function ownBoundingSet(): bigint {
  try {
    const match = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return BigInt(`0x${match[1]}`);
  } catch { /* fall through: assume the full table */ }
  return (1n << BigInt(CAPABILITY_NAMES.length)) - 1n;
}

/** "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; unknown names are refused. */
export function normaliseCapability(name: string): string {
  const upper = name.toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!CAPABILITY_NAMES.includes(full)) throw new InvalidArgumentError(`unknown capability ${JSON.stringify(name)}`);
  return full;
}

function isAll(name: string): boolean {
  return name.toUpperCase() === 'ALL';
}

export function containerCapabilities(privileged: boolean, request: CapabilityRequest | null): Capabilities {
  let set = new Set(privileged ? allCapabilities() : DEFAULT_CAPABILITIES);
  if (request && !privileged) {
    if (request.add.some(isAll)) set = new Set(allCapabilities());
    if (request.drop.some(isAll)) set.clear();
    for (const name of request.add.filter((n) => !isAll(n))) set.add(normaliseCapability(name));
    for (const name of request.drop.filter((n) => !isAll(n))) set.delete(normaliseCapability(name));
  }
  const list = [...set];
  const ambient = (request?.addAmbient ?? []).map(normaliseCapability).filter((c) => set.has(c));
  return { bounding: list, effective: list, permitted: list, inheritable: ambient, ambient };
}
