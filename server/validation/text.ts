// Small checks every CRI message family shares. Each bounds its input before any other work
// and quotes at most a short excerpt of a bad value, so no check costs more than a linear scan.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../runtime/errors';

/** Linux PATH_MAX and NAME_MAX: longer paths or components fail in the kernel anyway. */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

const EXCERPT = 64;

/** A bad value as an error message shows it: JSON-quoted, cut to a short excerpt. */
export function excerpt(value: string): string {
  return JSON.stringify(value.length > EXCERPT ? `${value.slice(0, EXCERPT)}…` : value);
}

export function invalid(field: string, value: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`${field} ${excerpt(value)} ${why}`);
}

export function checkMaxLength(field: string, value: string, max: number): void {
  if (value.length > max) throw new InvalidArgumentError(`${field} is ${value.length} characters, more than ${max}`);
}

/** Any C0 control character or DEL: a newline in a name or a resolv.conf line is an injection. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole purpose
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkNoControl(field: string, value: string): void {
  if (CONTROL.test(value)) throw invalid(field, value, 'contains a control character');
}

/**
 * A pod, namespace or container name: kubelet sends DNS-1123 names, critest mixed-case ones with
 * "_"; none of them holds "/", "..", whitespace or a control character, which could leave a path
 * or a record it is part of.
 */
const OBJECT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const MAX_OBJECT_NAME = 253;

export function checkObjectName(field: string, value: string, required: boolean): void {
  if (value === '') {
    if (required) throw new InvalidArgumentError(`${field} is required`);
    return;
  }
  checkMaxLength(field, value, MAX_OBJECT_NAME);
  if (!OBJECT_NAME.test(value) || value.includes('..'))
    throw invalid(field, value, 'must be letters, digits, "_", "-" and "." (no "/" or "..")');
}

/** A hostname as Linux takes it (at most 64 bytes) made of RFC 1123 labels. */
const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/;
export const MAX_HOSTNAME = 64;

export function checkHostname(field: string, value: string): void {
  if (value === '') return;
  checkMaxLength(field, value, MAX_HOSTNAME);
  if (!value.split('.').every((label) => LABEL.test(label))) throw invalid(field, value, 'is not a DNS-1123 hostname');
}

/** An absolute path without "." or ".." components, within PATH_MAX and NAME_MAX. */
export function checkCleanAbsolutePath(field: string, value: string): void {
  if (!value.startsWith('/')) throw invalid(field, value, 'must be an absolute path');
  checkCleanPath(field, value);
}

/** A path (absolute or not) without "." or ".." components, within PATH_MAX and NAME_MAX. */
export function checkCleanPath(field: string, value: string): void {
  checkMaxLength(field, value, PATH_MAX - 1);
  const components = value.split('/');
  if (components.some((c) => c === '..' || c === '.')) throw invalid(field, value, 'must not contain "." or ".."');
  if (components.some((c) => c.length > NAME_MAX))
    throw invalid(field, value, `has a component longer than ${NAME_MAX} characters`);
}

export function checkIp(field: string, value: string): void {
  if (value.length > 64 || isIP(value) === 0) throw invalid(field, value, 'is not an IP address');
}

export function checkOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value))
    throw new InvalidArgumentError(`${field} ${excerpt(String(value))} is not one of ${allowed.join(', ')}`);
}

/** An integer (int32/int64 arrive as numbers or decimal strings) within [min, max]. */
export function checkRange(field: string, value: number | string, min: number, max: number): void {
  const text = String(value);
  const n = Number(text);
  if (text.length > 20 || !/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${field} ${excerpt(text)} is outside [${min}, ${max}]`);
}
