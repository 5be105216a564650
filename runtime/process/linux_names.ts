// Names the CRI uses (capabilities, rlimits, signals) turned into the kernel's numbers, so the
// C helper never parses names.
import { constants as osConstants } from 'node:os';
import { InvalidArgumentError } from '../errors';
import { canonicalCapabilityName, capabilityNumber } from '../security/capability_names';

/** "CAP_NET_ADMIN" or "NET_ADMIN" (any case) → the kernel's capability number. */
function capabilityBit(name: string): number {
  const canonical = canonicalCapabilityName(name);
  if (canonical === undefined) throw new InvalidArgumentError(`unknown capability "${name}"`);
  return capabilityNumber(canonical);
}

/** A capability set as the bit mask capset(2) takes, written in hex for the helper. */
export function capabilityMask(names: string[]): string {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capabilityBit(name));
  return `0x${mask.toString(16)}`;
}

const RLIMITS = [
  'CPU',
  'FSIZE',
  'DATA',
  'STACK',
  'CORE',
  'RSS',
  'NPROC',
  'NOFILE',
  'MEMLOCK',
  'AS',
  'LOCKS',
  'SIGPENDING',
  'MSGQUEUE',
  'NICE',
  'RTPRIO',
  'RTTIME',
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
