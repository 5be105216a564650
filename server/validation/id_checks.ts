// Checks every request gets before its handler: object IDs must look like IDs. Handlers still
// validate their own required fields; this catches the malformed ones in one place.
// Stop and Remove are exempt: the CRI wants them to succeed for any ID they cannot find
// (critest's Idempotence specs use UUIDs), so a malformed ID is simply not found there.
import { InvalidArgumentError } from '../../runtime/errors';
import { checkIdPrefix } from '../../runtime/ids';

/** Top-level request fields that name a corral object by ID (or unique prefix). */
const ID_FIELDS = ['container_id', 'pod_sandbox_id'] as const;

const IDEMPOTENT_METHODS = new Set([
  'RuntimeService.StopContainer',
  'RuntimeService.RemoveContainer',
  'RuntimeService.StopPodSandbox',
  'RuntimeService.RemovePodSandbox',
]);

export function checkRequestIds(method: string, request: unknown): void {
  if (typeof request !== 'object' || request === null || IDEMPOTENT_METHODS.has(method)) return;
  const fields = request as Record<string, unknown>;
  for (const field of ID_FIELDS) {
    if (!(field in fields)) continue;
    const value = fields[field];
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${field} is required`);
    checkIdPrefix(value, field);
  }
}
