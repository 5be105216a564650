// CRI user namespace options (LinuxSandboxSecurityContext.namespace_options.userns_options) →
// the mappings the helper writes to uid_map/gid_map. POD: the pod gets its own user namespace
// with the given mappings; NODE: the host's. The kernel's rules are checked here, so a bad
// request fails with INVALID_ARGUMENT before anything is made: at most 340 lines, no empty
// range, no range past 2^32, no two ranges overlapping on either side; and container id 0 must
// be mapped, or the container's root would be the overflow user.
import { InvalidArgumentError } from '../errors';
import type { UserNamespaceSpec } from '../process/contract';

/** CRI IDMapping (host_id, container_id, length). */
export interface IdMappingRequest {
  hostId: number;
  containerId: number;
  length: number;
}

export interface UserNamespaceRequest {
  mode?: string; // 'POD' | 'CONTAINER' | 'NODE' | 'TARGET'
  uids?: IdMappingRequest[];
  gids?: IdMappingRequest[];
}

type Mapping = UserNamespaceSpec['uidMappings'][number];

const MAX_MAP_LINES = 340;
const ID_LIMIT = 2 ** 32;

/** undefined: the pod stays in the host's user namespace. */
export function resolveUserNamespace(
  request: UserNamespaceRequest | null | undefined,
  field = 'userns_options',
): UserNamespaceSpec | undefined {
  const mode = request?.mode ?? 'NODE';
  const uids = request?.uids ?? [];
  const gids = request?.gids ?? [];
  if (mode === 'NODE') {
    if (uids.length > 0 || gids.length > 0)
      throw new InvalidArgumentError(`${field}: mappings are only allowed in POD mode`);
    return undefined;
  }
  if (mode !== 'POD') throw new InvalidArgumentError(`${field}.mode: unsupported user namespace mode ${mode}`);
  return {
    uidMappings: validateMappings(uids, `${field}.uids`),
    gidMappings: validateMappings(gids, `${field}.gids`),
  };
}

function validateMappings(raw: IdMappingRequest[], field: string): Mapping[] {
  if (raw.length === 0) throw new InvalidArgumentError(`${field}: POD mode needs at least one mapping`);
  if (raw.length > MAX_MAP_LINES)
    throw new InvalidArgumentError(`${field}: ${raw.length} mappings, the kernel takes at most ${MAX_MAP_LINES}`);
  const mappings = raw.map((m, i) => validateMapping(m, `${field}[${i}]`));
  rejectOverlaps(mappings, 'containerId', field);
  rejectOverlaps(mappings, 'hostId', field);
  if (!mappings.some((m) => m.containerId === 0)) {
    throw new InvalidArgumentError(`${field}: container id 0 (root) must be mapped`);
  }
  return mappings;
}

function validateMapping(raw: IdMappingRequest, field: string): Mapping {
  const mapping = { containerId: Number(raw.containerId), hostId: Number(raw.hostId), size: Number(raw.length) };
  for (const [key, value] of Object.entries(mapping)) {
    if (!Number.isInteger(value) || value < 0 || value >= ID_LIMIT)
      throw new InvalidArgumentError(`${field}.${key}: must be an integer below 2^32`);
  }
  if (mapping.size === 0) throw new InvalidArgumentError(`${field}.length: must be greater than 0`);
  if (mapping.containerId + mapping.size > ID_LIMIT || mapping.hostId + mapping.size > ID_LIMIT) {
    throw new InvalidArgumentError(`${field}: range runs past 2^32`);
  }
  return mapping;
}

function rejectOverlaps(mappings: Mapping[], side: 'containerId' | 'hostId', field: string): void {
  const sorted = [...mappings].sort((a, b) => a[side] - b[side]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][side] < sorted[i - 1][side] + sorted[i - 1].size) {
      throw new InvalidArgumentError(
        `${field}: ${side === 'hostId' ? 'host' : 'container'} id ranges overlap at ${sorted[i][side]}`,
      );
    }
  }
}
