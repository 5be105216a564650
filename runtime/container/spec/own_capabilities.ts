// corrald can give a container only capabilities in its own bounding set: on a host whose root
// lacks one (this kind of host has no CAP_SYS_RESOURCE), "privileged" or "ALL" asking for every
// capability the kernel knows would make capset fail. They mean every capability corrald holds.
import { readFileSync } from 'node:fs';
import type { Capabilities } from '../../process/contract';
import { capabilityNumber } from '../../security/capability_names';

let ownBounding: bigint | undefined;

function ownBoundingSet(): bigint {
  if (ownBounding === undefined) {
    const match = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    ownBounding = match ? BigInt(`0x${match[1]}`) : ~0n;
  }
  return ownBounding;
}

export function withinOwnBoundingSet(caps: Capabilities, bounding = ownBoundingSet()): Capabilities {
  const held = (names: string[]) => names.filter((name) => (bounding >> BigInt(capabilityNumber(name))) & 1n);
  return {
    bounding: held(caps.bounding),
    effective: held(caps.effective),
    permitted: held(caps.permitted),
    inheritable: held(caps.inheritable),
    ambient: held(caps.ambient),
  };
}
