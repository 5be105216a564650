// Names the CRI uses (capabilities, rlimits, signals) turned into the kernel's numbers, so the
// C helper never parses names.
import { constants as osConstants } from 'node:os';
import { InvalidArgumentError } from '../errors';

const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** Every capability name this runtime knows, with the CAP_ prefix (privileged containers get all). */
export const ALL_CAPABILITIES: readonly string[] = CAPABILITIES.map((name) => `CAP_${name}`);

export function capabilityNumber(name: string): number {
  const bare = name.toUpperCase().replace(/^CAP_/, '');
  const index = CAPABILITIES.indexOf(bare);
  if (index < 0) throw new InvalidArgumentError(`unknown capability "${name}"`);
  return index;
}

/** A capability set as the bit mask capset(2) takes, written in hex for the helper. */
export function capabilityMask(names: string[]): string {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capabilityNumber(name));
  return `0x${mask.toString(16)}`;
}

const RLIMITS = [
  'CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NPROC', 'NOFILE', 'MEMLOCK', 'AS', 'LOCKS',
  'SIGPENDING', 'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME',
];

export function rlimitNumber(name: string): number {
  const index = RLIMITS.indexOf(name.toUpperCase().replace(/^RLIMIT_/, ''));
  if (index < 0) throw new InvalidArgumentError(`unknown rlimit "${name}"`);
  return index;
}

/** "SIGTERM", "TERM" or "15" → 15. */
export function signalNumber(signal: string): number {
  if (/^\d+$/.test(signal)) return Number(signal);
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const number = (osConstants.signals as Record<string, number>)[name];
  if (number === undefined) throw new InvalidArgumentError(`unknown signal "${signal}"`);
  return number;
}
