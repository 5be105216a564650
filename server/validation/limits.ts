// Caps every request gets before its handler, whatever its method: no string longer than
// MAX_STRING, no NUL in a string (every one may end up in a path, an argv or a file corral
// writes), no list or map longer than MAX_ENTRIES. One linear walk; the messages are bounded by
// gRPC's receive limit, so this costs at most a scan of what was received.
import { InvalidArgumentError } from '../../runtime/errors';

/** The largest string or bytes field any CRI message may carry (args and env have tighter caps). */
export const MAX_STRING = 1 << 20;
/** The longest list or map in any message (mounts, env, labels, annotations, filters…). */
export const MAX_ENTRIES = 10_000;
/**
 * gRPC's cap on a received message (its default): a CRI request kubelet derives from a pod
 * (itself at most 1.5 MiB in etcd) fits with room; a larger one is refused from its frame header
 * with RESOURCE_EXHAUSTED before it is read, so it costs nothing.
 */
export const MAX_MESSAGE_BYTES = 4 << 20;

export function checkRequestLimits(request: unknown): void {
  walk(request, 'request');
}

function walk(value: unknown, field: string): void {
  if (typeof value === 'string') return checkString(value, field);
  if (typeof value !== 'object' || value === null) return;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    if (value.length > MAX_STRING) throw tooLong(field, value.length);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_ENTRIES) throw tooMany(field, value.length);
    value.forEach((item, i) => walk(item, `${field}[${i}]`));
    return;
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) throw tooMany(field, entries.length);
  for (const [key, item] of entries) {
    checkString(key, `${field} key`);
    walk(item, `${field}.${key.length > 64 ? `${key.slice(0, 64)}…` : key}`);
  }
}

function checkString(value: string, field: string): void {
  if (value.length > MAX_STRING) throw tooLong(field, value.length);
  if (value.includes('\0')) throw new InvalidArgumentError(`${field} contains a NUL byte`);
}

function tooLong(field: string, length: number): InvalidArgumentError {
  return new InvalidArgumentError(`${field} is ${length} bytes long, more than ${MAX_STRING}`);
}

function tooMany(field: string, count: number): InvalidArgumentError {
  return new InvalidArgumentError(`${field} has ${count} entries, more than ${MAX_ENTRIES}`);
}
