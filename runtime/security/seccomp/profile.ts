// The OCI seccomp profile (runtime-spec config-linux.md#seccomp; also what Docker, containerd and
// Kubernetes' Localhost profiles use) and its validation from untrusted JSON. Fields the OCI
// format lacks (Docker's archMap, includes/excludes, comments) are ignored, as containerd does.
import { InvalidArgumentError } from '../../errors';

export type ArgOp =
  'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';

const ARG_OPS: ReadonlySet<string> = new Set([
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
]);

/** A condition on one argument; for MASKED_EQ `value` is the mask and `valueTwo` the datum. */
export interface SeccompArg {
  index: number;
  value: bigint;
  valueTwo: bigint;
  op: ArgOp;
}

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args: SeccompArg[];
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  flags: string[];
  syscalls: SeccompRule[];
}

const ARCHITECTURES: ReadonlySet<string> = new Set([
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
]);

const MAX_U64 = (1n << 64n) - 1n;
const MAX_ARG_INDEX = 5;

/**
 * Parses profile JSON. Argument values are u64, beyond what a JS number holds exactly, so their
 * digits are quoted before parsing and read as bigint.
 */
export function parseSeccompProfileJson(text: string, source: string): SeccompProfile {
  const quoted = text.replace(/("(?:value|valueTwo)"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, '$1"$2"');
  let raw: unknown;
  try {
    raw = JSON.parse(quoted);
  } catch (err) {
    throw new InvalidArgumentError(`${source}: malformed seccomp profile: ${(err as Error).message}`);
  }
  return validateSeccompProfile(raw, source);
}

/** Checks an untrusted profile object field by field; errors name the field. */
export function validateSeccompProfile(raw: unknown, source: string): SeccompProfile {
  const profile = asObject(raw, source);
  return {
    defaultAction: requireString(profile.defaultAction, `${source}: defaultAction`),
    defaultErrnoRet: optionalInteger(profile.defaultErrnoRet, `${source}: defaultErrnoRet`),
    architectures: stringList(profile.architectures, `${source}: architectures`).map((arch, i) => {
      if (!ARCHITECTURES.has(arch))
        throw new InvalidArgumentError(`${source}: architectures[${i}]: unknown architecture ${JSON.stringify(arch)}`);
      return arch;
    }),
    flags: stringList(profile.flags, `${source}: flags`),
    syscalls: list(profile.syscalls, `${source}: syscalls`).map((rule, i) =>
      validateRule(rule, `${source}: syscalls[${i}]`),
    ),
  };
}

function validateRule(raw: unknown, field: string): SeccompRule {
  const rule = asObject(raw, field);
  // Docker's older format named one call per rule in `name`.
  const names =
    rule.names === undefined && typeof rule.name === 'string' ? [rule.name] : stringList(rule.names, `${field}.names`);
  if (names.length === 0) throw new InvalidArgumentError(`${field}.names: a rule must name at least one system call`);
  return {
    names,
    action: requireString(rule.action, `${field}.action`),
    errnoRet: optionalInteger(rule.errnoRet, `${field}.errnoRet`),
    args: list(rule.args, `${field}.args`).map((arg, i) => validateArg(arg, `${field}.args[${i}]`)),
  };
}

function validateArg(raw: unknown, field: string): SeccompArg {
  const arg = asObject(raw, field);
  const index = arg.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_ARG_INDEX) {
    throw new InvalidArgumentError(`${field}.index: must be an integer from 0 to ${MAX_ARG_INDEX}`);
  }
  if (typeof arg.op !== 'string' || !ARG_OPS.has(arg.op)) {
    throw new InvalidArgumentError(`${field}.op: unknown comparison ${JSON.stringify(arg.op)}`);
  }
  return {
    index,
    op: arg.op as ArgOp,
    value: u64(arg.value, `${field}.value`),
    valueTwo: arg.valueTwo === undefined || arg.valueTwo === null ? 0n : u64(arg.valueTwo, `${field}.valueTwo`),
  };
}

function u64(raw: unknown, field: string): bigint {
  const text = typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) {
    throw new InvalidArgumentError(`${field}: must be an unsigned 64-bit integer, got ${JSON.stringify(raw)}`);
  }
  const value = BigInt(text);
  if (value > MAX_U64) throw new InvalidArgumentError(`${field}: ${text} does not fit in 64 bits`);
  return value;
}

function asObject(raw: unknown, field: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidArgumentError(`${field}: must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

function requireString(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw === '') throw new InvalidArgumentError(`${field}: required string missing`);
  return raw;
}

function optionalInteger(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new InvalidArgumentError(`${field}: must be an integer`);
  return raw;
}

function list(raw: unknown, field: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InvalidArgumentError(`${field}: must be a list`);
  return raw;
}

function stringList(raw: unknown, field: string): string[] {
  return list(raw, field).map((item, i) => {
    if (typeof item !== 'string') throw new InvalidArgumentError(`${field}[${i}]: must be a string`);
    return item;
  });
}
