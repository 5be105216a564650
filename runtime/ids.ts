// Object IDs are 64 lowercase hex characters, like containerd's; users may type any unique prefix.
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, NotFoundError } from './errors';

const ID_PREFIX = /^[0-9a-f]{1,64}$/;

export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function isIdPrefix(value: string): boolean {
  return ID_PREFIX.test(value);
}

/** Throws unless `value` could be an ID or an ID prefix. */
export function checkIdPrefix(value: string, field: string): void {
  if (!ID_PREFIX.test(value)) {
    throw new InvalidArgumentError(
      `${field} must be 1 to 64 lowercase hex characters, got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
}

/** Resolves a full ID or unique prefix among `ids`; an ambiguous prefix is an error. */
export function resolveIdPrefix(prefix: string, ids: Iterable<string>, what: string): string {
  checkIdPrefix(prefix, `${what} id`);
  let found: string | undefined;
  for (const id of ids) {
    if (id === prefix) return id;
    if (!id.startsWith(prefix)) continue;
    if (found !== undefined) {
      throw new InvalidArgumentError(`${what} id prefix ${prefix} is ambiguous: matches ${found} and ${id}`);
    }
    found = id;
  }
  if (found === undefined) throw new NotFoundError(`${what} ${prefix} not found`);
  return found;
}
