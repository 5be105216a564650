// Pod sysctls: only the ones a pod's own namespaces scope (Kubernetes' "namespaced" list, as
// runc enforces it): net.* in the pod's network namespace, the System V IPC and POSIX message
// queue ones in its IPC namespace. A host-network pod may not set net.*, a host-IPC pod not the
// IPC ones: those would change the node itself.
import { InvalidArgumentError } from '../errors';

export interface SysctlOptions {
  hostNetwork: boolean;
  hostIpc: boolean;
}

type Scope = 'net' | 'ipc';

const MAX_NAME_LENGTH = 256;
const MAX_VALUE_LENGTH = 4096;
const SEGMENT = /^[A-Za-z0-9_\-:@+]+$/;

/**
 * Validates and normalises CRI sysctls to dot-separated names. Kubernetes also accepts '/' as
 * the separator (then a '.' inside a segment is literal, as in interface names like eth0.100);
 * such names are converted to the dot form with the literal dots written as '/', which is the
 * form sysctlProcPath understands.
 */
export function validateSysctls(
  sysctls: Record<string, string> | undefined,
  options: SysctlOptions,
  field = 'sysctls',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(sysctls ?? {})) {
    const name = normaliseName(rawName, `${field}[${JSON.stringify(rawName)}]`);
    const scope = namespaceScope(name);
    const where = `${field}[${JSON.stringify(rawName)}]`;
    if (scope === undefined) {
      throw new InvalidArgumentError(
        `${where}: not a namespaced sysctl (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)`,
      );
    }
    if (scope === 'net' && options.hostNetwork)
      throw new InvalidArgumentError(`${where}: net.* sysctls are not allowed in a host-network pod`);
    if (scope === 'ipc' && options.hostIpc)
      throw new InvalidArgumentError(`${where}: IPC sysctls are not allowed in a host-IPC pod`);
    validateValue(value, where);
    out[name] = value;
  }
  return out;
}

/** The /proc/sys file of a normalised (dot-form) name: dots are separators, '/' a literal dot. */
export function sysctlProcPath(name: string): string {
  const relative = name
    .split('.')
    .map((segment) => segment.replace(/\//g, '.'))
    .join('/');
  return `/proc/sys/${relative}`;
}

function namespaceScope(name: string): Scope | undefined {
  if (name.startsWith('net.')) return 'net';
  if (name.startsWith('kernel.shm') || name.startsWith('kernel.msg') || name === 'kernel.sem') return 'ipc';
  if (name.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

function normaliseName(raw: string, where: string): string {
  if (raw.length === 0 || raw.length > MAX_NAME_LENGTH)
    throw new InvalidArgumentError(`${where}: bad sysctl name length`);
  const firstSeparator = raw.search(/[./]/);
  const slashForm = firstSeparator !== -1 && raw[firstSeparator] === '/';
  const segments = slashForm ? raw.split('/') : raw.split('.').map((s) => s.replace(/\//g, '.'));
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment.replace(/\./g, ''))) {
      throw new InvalidArgumentError(`${where}: malformed sysctl name`);
    }
  }
  return segments.map((segment) => segment.replace(/\./g, '/')).join('.');
}

function validateValue(value: unknown, where: string): void {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH || /[\0\n]/.test(value)) {
    throw new InvalidArgumentError(`${where}: sysctl value must be one line of at most ${MAX_VALUE_LENGTH} characters`);
  }
}
