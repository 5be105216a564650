// The /proc and /sys paths hidden (masked) or made read-only in a container. A CRI request's lists
// are used as they are, as containerd does (internal/cri/server/container_create.go with its
// default disable_proc_mount = false): kubelet sends the defaults below itself (procMount: Default)
// and empty lists for procMount: Unmasked, and a request without lists (crictl's) masks nothing.
// The defaults (runc's, kubelet's) stay for callers that pass undefined. Privileged: none.
import { InvalidArgumentError } from '../errors';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './default_proc_paths';

export { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS };

export interface PathPolicyOptions {
  privileged: boolean;
  /** CRI masked_paths; undefined → the defaults, [] → none. */
  maskedPaths?: string[];
  /** CRI readonly_paths; undefined → the defaults, [] → none. */
  readonlyPaths?: string[];
}

export function resolvePathPolicy(options: PathPolicyOptions): { maskedPaths: string[]; readonlyPaths: string[] } {
  if (options.privileged) return { maskedPaths: [], readonlyPaths: [] };
  return {
    maskedPaths: checkPaths(options.maskedPaths ?? DEFAULT_MASKED_PATHS, 'masked_paths'),
    readonlyPaths: checkPaths(options.readonlyPaths ?? DEFAULT_READONLY_PATHS, 'readonly_paths'),
  };
}

/** Absolute, no NUL, no '..' segment: these are resolved inside the container's root. */
function checkPaths(paths: readonly string[], field: string): string[] {
  return paths.map((p, i) => {
    if (!p.startsWith('/') || p.includes('\0') || p.split('/').includes('..')) {
      throw new InvalidArgumentError(`${field}[${i}]: ${JSON.stringify(p)} must be an absolute path without '..'`);
    }
    return p;
  });
}
