// The capability sets of a container's process from its CRI security context, with containerd's
// semantics: no `capabilities` → containerd's default set; "ALL" in add_capabilities starts from
// every capability, "ALL" in drop_capabilities from none, then individual adds, then individual
// drops (so drop ALL + add X → only X, add ALL + drop X → all but X); privileged → everything.
// Ambient capabilities (a field containerd ignores) are also put in every other set, because the
// kernel keeps a capability ambient only while it is permitted and inheritable.
import { InvalidArgumentError } from '../errors';
import type { Capabilities } from '../process/contract';
import { CAPABILITY_NAMES, canonicalCapabilityName, hostLastCapability, sortCapabilities } from './capability_names';

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** CRI's Capability message (add_capabilities, drop_capabilities, add_ambient_capabilities). */
export interface CapabilityRequest {
  add?: string[];
  drop?: string[];
  addAmbient?: string[];
}

export interface CapabilityOptions {
  privileged: boolean;
  /** CRI `capabilities`; null/undefined when the request has none. */
  capabilities?: CapabilityRequest | null;
  /** The kernel's last capability; "ALL" and privileged stop there. Defaults to this host's. */
  lastCapability?: number;
}

const ALL = 'ALL';

export function resolveCapabilities(options: CapabilityOptions, field = 'capabilities'): Capabilities {
  const lastCap = options.lastCapability ?? hostLastCapability();
  const everything = CAPABILITY_NAMES.slice(0, lastCap + 1);
  const request = options.capabilities ?? undefined;
  const add = parseList(request?.add, `${field}.add_capabilities`, lastCap, true);
  const drop = parseList(request?.drop, `${field}.drop_capabilities`, lastCap, true);
  const ambient = parseList(request?.addAmbient, `${field}.add_ambient_capabilities`, lastCap, false);

  let granted: Set<string>;
  if (options.privileged) {
    granted = new Set(everything);
  } else {
    granted = new Set(DEFAULT_CAPABILITIES);
    if (add.all) granted = new Set(everything);
    if (drop.all) granted = new Set();
    add.names.forEach((name) => granted.add(name));
    drop.names.forEach((name) => granted.delete(name));
  }
  ambient.names.forEach((name) => granted.add(name));
  const sets = sortCapabilities(granted);
  const ambientSet = sortCapabilities(ambient.names);
  return { bounding: sets, effective: [...sets], permitted: [...sets], inheritable: [...ambientSet], ambient: ambientSet };
}

interface ParsedList { all: boolean; names: string[] }

function parseList(raw: string[] | undefined, field: string, lastCap: number, allowAll: boolean): ParsedList {
  const parsed: ParsedList = { all: false, names: [] };
  (raw ?? []).forEach((entry, i) => {
    if (entry.trim().toUpperCase() === ALL) {
      if (!allowAll) throw new InvalidArgumentError(`${field}[${i}]: "ALL" is not allowed here`);
      parsed.all = true;
      return;
    }
    const name = canonicalCapabilityName(entry);
    if (name === undefined) throw new InvalidArgumentError(`${field}[${i}]: unknown capability ${JSON.stringify(entry)}`);
    if (CAPABILITY_NAMES.indexOf(name) > lastCap) {
      throw new InvalidArgumentError(`${field}[${i}]: ${name} is not supported by this kernel`);
    }
    parsed.names.push(name);
  });
  return parsed;
}
