// The capability sets of a container's process from its CRI security context, with containerd's
// semantics: no `capabilities` → containerd's default set; "ALL" in add_capabilities starts from
// every capability, "ALL" in drop_capabilities from none, then individual adds, then individual
// drops (so drop ALL + add X → only X, add ALL + drop X → all but X); privileged → everything.
// Ambient capabilities (a field containerd ignores) are also put in every other set, because the
// kernel keeps a capability ambient only while it is permitted and inheritable.
import { InvalidArgumentError } from '../errors';
import type { Capabilities } from '../process/contract';
import { canonicalCapabilityName, runtimeCapabilities, sortCapabilities } from './capability_names';

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
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
  /** What corrald can grant ("ALL", privileged); defaults to its own effective set. */
  available?: readonly string[];
}

const ALL = 'ALL';

export function resolveCapabilities(options: CapabilityOptions, field = 'capabilities'): Capabilities {
  const everything = sortCapabilities(options.available ?? runtimeCapabilities());
  const request = options.capabilities ?? undefined;
  const add = requireAvailable(
    parseList(request?.add, `${field}.add_capabilities`, true),
    `${field}.add_capabilities`,
    everything,
  );
  const drop = parseList(request?.drop, `${field}.drop_capabilities`, true);
  const ambient = requireAvailable(
    parseList(request?.addAmbient, `${field}.add_ambient_capabilities`, false),
    `${field}.add_ambient_capabilities`,
    everything,
  );

  let granted: Set<string>;
  if (options.privileged) {
    granted = new Set(everything);
  } else {
    granted = new Set(DEFAULT_CAPABILITIES.filter((name) => everything.includes(name)));
    if (add.all) granted = new Set(everything);
    if (drop.all) granted = new Set();
    add.names.forEach((name) => granted.add(name));
    drop.names.forEach((name) => granted.delete(name));
  }
  ambient.names.forEach((name) => granted.add(name));
  const sets = sortCapabilities(granted);
  const ambientSet = sortCapabilities(ambient.names);
  return {
    bounding: sets,
    effective: [...sets],
    permitted: [...sets],
    inheritable: [...ambientSet],
    ambient: ambientSet,
  };
}

interface ParsedList {
  all: boolean;
  names: string[];
}

function parseList(raw: string[] | undefined, field: string, allowAll: boolean): ParsedList {
  const parsed: ParsedList = { all: false, names: [] };
  (raw ?? []).forEach((entry, i) => {
    if (entry.trim().toUpperCase() === ALL) {
      if (!allowAll) throw new InvalidArgumentError(`${field}[${i}]: "ALL" is not allowed here`);
      parsed.all = true;
      return;
    }
    const name = canonicalCapabilityName(entry);
    if (name === undefined)
      throw new InvalidArgumentError(`${field}[${i}]: unknown capability ${JSON.stringify(entry)}`);
    parsed.names.push(name);
  });
  return parsed;
}

/** Granting what corrald itself lacks would fail at start: refuse it now, clearly. */
function requireAvailable(list: ParsedList, field: string, available: readonly string[]): ParsedList {
  const missing = list.names.find((name) => !available.includes(name));
  if (missing) throw new InvalidArgumentError(`${field}: ${missing} is not available to corral on this host`);
  return list;
}
