// Effective configuration: defaults, overridden by the config file, overridden by flags.
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { InvalidArgumentError } from '../../runtime/errors';
import type { LogLevel } from '../../runtime/log_levels';
import type { RegistryHostsConfig } from '../../runtime/image/registry/hosts';
import { CONFIG_SCHEMA, FieldSpec, SectionSpec, isFieldSpec } from './schema';

export interface CorralConfig {
  root: string;
  state: string;
  listen: string;
  log_level: LogLevel;
  cgroup_driver: 'cgroupfs' | 'systemd';
  registry: RegistryHostsConfig & { response_timeout_seconds: number; body_idle_timeout_seconds: number };
  image: {
    pull_timeout_seconds: number;
    max_layer_unpacked_bytes: number;
    max_layer_entries: number;
    max_image_unpacked_bytes: number;
    max_image_entries: number;
    unpack_reserve_bytes: number;
  };
  cni: { enabled: boolean; conf_dir: string; bin_dirs: string[] };
  cgroups: { default_pids_limit: number; v1_nest_under_own: string[] };
  sandbox_image: string;
  rootfs_mode: 'pivot_root' | 'chroot';
  kernel: { proc_pidns_fsconfig: boolean };
  default_cgroup_parent: string;
  streaming: {
    address: string;
    port: number;
    idle_timeout_seconds: number;
    max_connections: number;
    request_timeout_seconds: number;
    write_stall_timeout_seconds: number;
  };
  metrics: { address: string; collection_period_seconds: number };
}

type Raw = Record<string, unknown>;

export function defaultConfig(schema: SectionSpec = CONFIG_SCHEMA): CorralConfig {
  return validateSection({}, schema, '') as unknown as CorralConfig;
}

/** Parses and validates TOML text; errors name the offending key. */
export function parseConfig(text: string, source: string): CorralConfig {
  let raw: Raw;
  try {
    raw = parseToml(text);
  } catch (err) {
    throw new InvalidArgumentError(`${source}: not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return validateSection(raw, CONFIG_SCHEMA, '') as unknown as CorralConfig;
  } catch (err) {
    throw new InvalidArgumentError(`${source}: ${(err as Error).message}`);
  }
}

/** A config file is a few KiB of TOML; anything this large is a mistake (or /dev/zero). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export async function loadConfigFile(file: string): Promise<CorralConfig> {
  let text: string;
  try {
    text = await readCapped(file, MAX_CONFIG_FILE_BYTES);
  } catch (err) {
    throw new InvalidArgumentError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}

/** Reads at most `cap` bytes; a longer file (or an endless one, like a device) is refused. */
async function readCapped(file: string, cap: number): Promise<string> {
  return readRegularFileCapped(file, cap) ?? readAnyFileCapped(file, cap);
}

/**
 * The usual case, a regular file, read with blocking calls: corrald reads its config before it
 * serves anything, and four thread-pool round trips cost more on the way to ready than the
 * reads. Anything else (a pipe from a shell's process substitution, a device) is left to
 * readAnyFileCapped, not opened here: a FIFO's writer would see its reader come and go.
 */
function readRegularFileCapped(file: string, cap: number): string | undefined {
  if (!statSync(file).isFile()) return undefined;
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK); // replaced meanwhile: no wait
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.allocUnsafe(cap + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, cap + 1 - length, null);
      if (read === 0) break;
      length += read;
      if (length > cap) throw new Error(`larger than ${cap} bytes`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

async function readAnyFileCapped(file: string, cap: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(cap + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > cap) throw new Error(`larger than ${cap} bytes`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Applies flag overrides (already typed) on top of a validated config, validating them too. */
export function applyOverrides(
  config: CorralConfig,
  overrides: Partial<Record<keyof CorralConfig, unknown>>,
): CorralConfig {
  const merged: Raw = { ...(config as unknown as Raw) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const spec = CONFIG_SCHEMA[key];
    if (!spec || !isFieldSpec(spec)) throw new InvalidArgumentError(`unknown setting ${key}`);
    merged[key] = validateField(value, spec, `--${key.replace(/_/g, '-')}`);
  }
  return merged as unknown as CorralConfig;
}

function validateSection(raw: Raw, schema: SectionSpec, prefix: string): Raw {
  for (const key of Object.keys(raw)) {
    if (!(key in schema)) throw new Error(`unknown key ${prefix}${key}`);
  }
  const out: Raw = {};
  for (const [key, spec] of Object.entries(schema)) {
    const name = `${prefix}${key}`;
    const value = raw[key];
    if (isFieldSpec(spec)) {
      out[key] = value === undefined ? structuredClone(spec.default) : validateField(value, spec, name);
    } else {
      if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        throw new Error(`${name} must be a table`);
      }
      out[key] = validateSection((value ?? {}) as Raw, spec, `${name}.`);
    }
  }
  return out;
}

function validateField(value: unknown, spec: FieldSpec, name: string): unknown {
  const fail = (why: string): never => {
    throw new Error(`${name} ${why}`);
  };
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string') fail('must be a string');
      const problem = spec.check?.(value as string);
      if (problem) fail(problem);
      return value;
    }
    case 'int':
      if (typeof value !== 'number' && typeof value !== 'bigint') fail('must be an integer');
      if (!Number.isInteger(Number(value))) fail('must be an integer');
      if (spec.min !== undefined && Number(value) < spec.min) fail(`must be at least ${spec.min}`);
      if (spec.max !== undefined && Number(value) > spec.max) fail(`must be at most ${spec.max}`);
      return Number(value);
    case 'bool':
      if (typeof value !== 'boolean') fail('must be true or false');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) fail(`must be one of ${spec.values.join(', ')}`);
      return value;
    case 'string_list':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail('must be a list of strings');
      return value;
    case 'table':
      return spec.check(value, name);
  }
}
