// Checks every request gets before its handler: object IDs must look like IDs. Handlers still
// validate their own required fields; this catches the malformed ones in one place.
import { InvalidArgumentError } from '../runtime/errors';
import { checkIdPrefix } from '../runtime/ids';

/** Top-level request fields that name a corral object by ID (or unique prefix). */
const ID_FIELDS = ['container_id', 'pod_sandbox_id'] as const;

export function checkRequestIds(request: unknown): void {
  if (typeof request !== 'object' || request === null) return;
  const fields = request as Record<string, unknown>;
  for (const field of ID_FIELDS) {
    if (!(field in fields)) continue;
    const value = fields[field];
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${field} is required`);
    checkIdPrefix(value, field);
  }
}
