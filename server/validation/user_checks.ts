// User and group IDs of a security context: when set, a valid Linux ID (never -1, which the
// kernel reads as "unchanged").
import type { Int64Value__Output } from '../../proto/generated/runtime/v1/Int64Value';
import { checkRange } from './text';

/** The largest ID Linux assigns: 2^32 - 2 ((uid_t)-1 is "no change"). */
export const MAX_ID = 2 ** 32 - 2;

interface IdFields {
  run_as_user?: Int64Value__Output | null;
  run_as_group?: Int64Value__Output | null;
  supplemental_groups?: string[];
}

export function checkIds(field: string, context: IdFields | null | undefined): void {
  if (!context) return;
  if (context.run_as_user) checkRange(`${field}.run_as_user`, context.run_as_user.value, 0, MAX_ID);
  if (context.run_as_group) checkRange(`${field}.run_as_group`, context.run_as_group.value, 0, MAX_ID);
  (context.supplemental_groups ?? []).forEach((g, i) => checkRange(`${field}.supplemental_groups[${i}]`, g, 0, MAX_ID));
}
