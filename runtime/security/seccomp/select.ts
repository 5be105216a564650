// Which seccomp filter a container gets, from its CRI security context (containerd's rules):
// privileged → none; the structured `seccomp` field when present, else the legacy
// `seccomp_profile_path` ("" and "unconfined" → none, "runtime/default" and "docker/default" →
// RuntimeDefault, "localhost/<abs path>"); Localhost profiles are read from a JSON file in the
// OCI format. Any problem with the request or the file is INVALID_ARGUMENT naming the field.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { SecurityProfileRequest } from '../security_profile';
import { compileSeccompProfile, CompiledSeccomp } from './compile';
import { parseSeccompProfileJson } from './profile';
import { runtimeDefaultFilter } from './runtime_default_cache';

export interface SeccompRequest {
  privileged: boolean;
  /** CRI `seccomp`; null/undefined when the request has none. */
  seccomp?: SecurityProfileRequest | null;
  /** CRI legacy `seccomp_profile_path`. */
  seccompProfilePath?: string;
  /** The container's bounding set ("CAP_…"): RuntimeDefault allows more calls per capability. */
  boundingCapabilities: readonly string[];
}

export type SeccompDecision =
  | { mode: 'unconfined' }
  | { mode: 'runtime-default'; compiled: CompiledSeccomp }
  | { mode: 'localhost'; profilePath: string; compiled: CompiledSeccomp };

const MAX_PROFILE_BYTES = 4 * 1024 * 1024;
const LOCALHOST_PREFIX = 'localhost/';

export async function resolveSeccomp(request: SeccompRequest, field = 'seccomp'): Promise<SeccompDecision> {
  if (request.privileged) return { mode: 'unconfined' };
  const profile = request.seccomp
    ? { ...request.seccomp, field }
    : legacyProfile(request.seccompProfilePath ?? '', 'seccomp_profile_path');
  if (!profile) return { mode: 'unconfined' };
  const type = profile.profileType ?? 'RuntimeDefault';
  if (type !== 'Localhost' && profile.localhostRef) {
    throw new InvalidArgumentError(`${profile.field}.localhost_ref: only allowed when profile_type is Localhost`);
  }
  switch (type) {
    case 'Unconfined':
      return { mode: 'unconfined' };
    case 'RuntimeDefault':
      return { mode: 'runtime-default', compiled: runtimeDefaultFilter(request.boundingCapabilities) };
    case 'Localhost': {
      const profilePath = localhostPath(profile.localhostRef ?? '', `${profile.field}.localhost_ref`);
      return {
        mode: 'localhost',
        profilePath,
        compiled: await compileLocalhost(profilePath, `${profile.field}.localhost_ref`),
      };
    }
    default:
      throw new InvalidArgumentError(`${profile.field}.profile_type: unknown ${JSON.stringify(type)}`);
  }
}

function legacyProfile(value: string, field: string): (SecurityProfileRequest & { field: string }) | undefined {
  if (value === '' || value === 'unconfined') return undefined;
  if (value === 'runtime/default' || value === 'docker/default') return { profileType: 'RuntimeDefault', field };
  if (value.startsWith(LOCALHOST_PREFIX)) return { profileType: 'Localhost', localhostRef: value, field };
  throw new InvalidArgumentError(`${field}: invalid profile ${JSON.stringify(value)}`);
}

/** localhost_ref is an absolute path, with or without the "localhost/" prefix. */
function localhostPath(ref: string, field: string): string {
  const stripped = ref.startsWith(LOCALHOST_PREFIX) ? ref.slice(LOCALHOST_PREFIX.length) : ref;
  if (stripped === '' || !path.isAbsolute(stripped) || stripped.includes('\0')) {
    throw new InvalidArgumentError(`${field}: ${JSON.stringify(ref)} is not an absolute path to a seccomp profile`);
  }
  return path.normalize(stripped);
}

async function compileLocalhost(profilePath: string, field: string): Promise<CompiledSeccomp> {
  const source = `${field} ${profilePath}`;
  let text: string;
  try {
    const stat = await fs.stat(profilePath);
    if (!stat.isFile()) throw new InvalidArgumentError(`${source}: not a regular file`);
    if (stat.size > MAX_PROFILE_BYTES)
      throw new InvalidArgumentError(`${source}: larger than ${MAX_PROFILE_BYTES} bytes`);
    text = await fs.readFile(profilePath, 'utf8');
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`${source}: cannot read seccomp profile (${code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  return compileSeccompProfile(parseSeccompProfileJson(text, source), source);
}
