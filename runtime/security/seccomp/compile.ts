// Compiles an OCI seccomp profile into the classic BPF program the kernel runs on every system
// call. Layout, in execution order:
//   1. architecture check: x86_64 always, i386 and x32 when the profile lists SCMP_ARCH_X86 /
//      SCMP_ARCH_X32 (as libseccomp adds them); any other architecture, or an x32 call (nr with
//      bit 0x40000000) when x32 is not listed, is killed, as libseccomp does;
//   2. per architecture, a binary search over the call numbers that have rules (others get
//      defaultAction);
//   3. one block per such call: its rules, most restrictive action first, each an AND of argument
//      conditions, falling back to defaultAction when none matches.
// Semantics follow runc + libseccomp: unknown call names are skipped, a rule that repeats an
// argument index is split into one rule per condition (so they OR), ERRNO without errnoRet is EPERM.
import { InvalidArgumentError } from '../../errors';
import { actionPrecedence, actionValue, SECCOMP_RET_KILL_PROCESS } from './actions';
import {
  BPF_ALU_AND_K,
  BPF_JEQ_K,
  BPF_JGE_K,
  BPF_JGT_K,
  BPF_LD_W_ABS,
  BPF_MAX_INSTRUCTIONS,
  encodeProgram,
  ReverseAssembler,
  Target,
} from './bpf';
import { SeccompArg, SeccompProfile } from './profile';
import { I386_SYSCALLS } from './syscall_table_i386';
import { X32_SYSCALLS } from './syscall_table_x32';
import { X86_64_SYSCALLS } from './syscall_table_x86_64';

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const X32_SYSCALL_BIT = 0x40000000;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const LEAF_SIZE = 4; // calls per leaf of the search tree, tested one by one
const KILL: Target = { ret: SECCOMP_RET_KILL_PROCESS };

/** One ABI's call numbers; `bit` is ORed into each (x32's __X32_SYSCALL_BIT). */
interface Abi {
  arch: string;
  table: ReadonlyMap<string, number>;
  bit: number;
}
const X86_64: Abi = { arch: 'SCMP_ARCH_X86_64', table: X86_64_SYSCALLS, bit: 0 };
const I386: Abi = { arch: 'SCMP_ARCH_X86', table: I386_SYSCALLS, bit: 0 };
const X32: Abi = { arch: 'SCMP_ARCH_X32', table: X32_SYSCALLS, bit: X32_SYSCALL_BIT };

const FILTER_FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};

export interface CompiledSeccomp {
  /** struct sock_filter[] bytes, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
  filter: Buffer;
  /** seccomp(2) flags from the profile's `flags`. */
  flags: number;
  instructions: number;
  /** Call names the profile gave that none of its architectures has (skipped, as libseccomp does). */
  unknownNames: string[];
}

interface Rule {
  action: number;
  conditions: SeccompArg[];
}
interface Entry {
  names: string[];
  action: number;
  alternatives: SeccompArg[][];
}

export function compileSeccompProfile(profile: SeccompProfile, source = 'seccomp profile'): CompiledSeccomp {
  const defaultAction = actionValue(profile.defaultAction, profile.defaultErrnoRet, `${source}: defaultAction`);
  const entries: Entry[] = profile.syscalls.map((entry, i) => ({
    names: entry.names,
    action: actionValue(entry.action, entry.errnoRet, `${source}: syscalls[${i}].action`),
    alternatives: splitRepeatedIndexes(entry.args),
  }));
  const abis = [X86_64, I386, X32].filter((abi) => abi === X86_64 || profile.architectures.includes(abi.arch));
  const unknownNames = knownNamesCheck(entries, abis, source);
  const asm = new ReverseAssembler();
  const dispatch = (abi: Abi) => emitDispatch(asm, rulesFor(abi, entries, defaultAction), defaultAction);
  const x32 = abis.includes(X32) ? dispatch(X32) : KILL;
  const i386 = abis.includes(I386) ? loadNrThen(asm, dispatch(I386)) : KILL;
  const native = dispatch(X86_64);
  const x86_64 = loadNrThen(asm, { at: asm.jump(BPF_JGE_K, X32_SYSCALL_BIT, x32, native) });
  emitArchCheck(asm, x86_64, i386);
  if (asm.length > BPF_MAX_INSTRUCTIONS) {
    throw new InvalidArgumentError(
      `${source}: compiles to ${asm.length} BPF instructions, more than the kernel's ${BPF_MAX_INSTRUCTIONS}`,
    );
  }
  return {
    filter: encodeProgram(asm.finish()),
    flags: filterFlags(profile.flags, source),
    instructions: asm.length,
    unknownNames,
  };
}

/** Names no architecture has are skipped; a profile naming nothing known is refused. */
function knownNamesCheck(entries: Entry[], abis: Abi[], source: string): string[] {
  const names = new Set(entries.flatMap((entry) => entry.names));
  const unknown = [...names].filter((name) => !abis.some((abi) => abi.table.has(name)));
  if (names.size > 0 && unknown.length === names.size) {
    throw new InvalidArgumentError(`${source}: syscalls names no system call known on x86_64`);
  }
  return unknown;
}

/** Each call number's rules for one ABI; calls whose every outcome is defaultAction are dropped. */
function rulesFor(abi: Abi, entries: Entry[], defaultAction: number): Map<number, Rule[]> {
  const rulesByCall = new Map<number, Rule[]>();
  for (const entry of entries) {
    for (const name of entry.names) {
      const nr = abi.table.get(name);
      if (nr === undefined) continue;
      const key = (nr | abi.bit) >>> 0;
      const rules = rulesByCall.get(key) ?? [];
      rules.push(...entry.alternatives.map((conditions) => ({ action: entry.action, conditions })));
      rulesByCall.set(key, rules);
    }
  }
  for (const [nr, rules] of rulesByCall) {
    if (rules.every((rule) => rule.action === defaultAction)) rulesByCall.delete(nr);
  }
  return rulesByCall;
}

/** runc adds a rule whose conditions repeat an argument index as one rule per condition. */
function splitRepeatedIndexes(args: SeccompArg[]): SeccompArg[][] {
  const indexes = new Set(args.map((arg) => arg.index));
  return indexes.size === args.length ? [args] : args.map((arg) => [arg]);
}

/** Call blocks, then the search over them; A must hold nr when the search starts. */
function emitDispatch(asm: ReverseAssembler, rulesByCall: Map<number, Rule[]>, defaultAction: number): Target {
  const blocks = new Map<number, Target>();
  for (const [nr, rules] of [...rulesByCall].sort((a, b) => b[0] - a[0])) {
    blocks.set(nr, emitCallBlock(asm, rules, defaultAction));
  }
  return emitSearch(
    asm,
    [...blocks.keys()].sort((a, b) => a - b),
    blocks,
    defaultAction,
  );
}

/** `A = nr`, then on to `next`. */
function loadNrThen(asm: ReverseAssembler, next: Target): Target {
  asm.flowInto(next);
  return { at: asm.statement(BPF_LD_W_ABS, OFFSET_NR) };
}

function emitCallBlock(asm: ReverseAssembler, rules: Rule[], defaultAction: number): Target {
  const ordered = [...rules].sort((a, b) => actionPrecedence(b.action) - actionPrecedence(a.action));
  const unconditional = ordered.findIndex((rule) => rule.conditions.length === 0);
  const reachable = unconditional === -1 ? ordered : ordered.slice(0, unconditional + 1);
  let next: Target = { ret: defaultAction };
  for (const rule of [...reachable].reverse()) {
    next = emitConditions(asm, rule.conditions, { ret: rule.action }, next);
  }
  return next;
}

/** All conditions must hold to reach `matched`; the first that fails goes to `failed`. */
function emitConditions(asm: ReverseAssembler, conditions: SeccompArg[], matched: Target, failed: Target): Target {
  let next = matched;
  for (const condition of [...conditions].reverse()) next = emitCondition(asm, condition, next, failed);
  return next;
}

/** A 64-bit comparison as two 32-bit ones: the high halves decide unless they are equal. */
function emitCondition(asm: ReverseAssembler, arg: SeccompArg, yes: Target, no: Target): Target {
  const lowOffset = 16 + 8 * arg.index;
  const highOffset = lowOffset + 4;
  const hi = (v: bigint) => Number(v >> 32n);
  const lo = (v: bigint) => Number(v & 0xffffffffn);
  const loadLow = (code: number, k: number, t: Target, f: Target): Target => {
    const test = asm.jump(code, k, t, f);
    asm.statement(BPF_LD_W_ABS, lowOffset);
    return { at: test + 1 };
  };
  const loadHigh = (code: number, k: number, t: Target, f: Target): Target => {
    const test = asm.jump(code, k, t, f);
    asm.statement(BPF_LD_W_ABS, highOffset);
    return { at: test + 1 };
  };
  const ordered = (lowCode: number, t: Target, f: Target): Target => {
    // high > v.hi → t; high == v.hi → compare low halves; else f
    const low = loadLow(lowCode, lo(arg.value), t, f);
    const equalHigh = { at: asm.jump(BPF_JEQ_K, hi(arg.value), low, f) };
    return loadHigh(BPF_JGT_K, hi(arg.value), t, equalHigh);
  };
  switch (arg.op) {
    case 'SCMP_CMP_EQ':
      return loadHigh(BPF_JEQ_K, hi(arg.value), loadLow(BPF_JEQ_K, lo(arg.value), yes, no), no);
    case 'SCMP_CMP_NE':
      return loadHigh(BPF_JEQ_K, hi(arg.value), loadLow(BPF_JEQ_K, lo(arg.value), no, yes), yes);
    case 'SCMP_CMP_GT':
      return ordered(BPF_JGT_K, yes, no);
    case 'SCMP_CMP_GE':
      return ordered(BPF_JGE_K, yes, no);
    case 'SCMP_CMP_LE':
      return ordered(BPF_JGT_K, no, yes);
    case 'SCMP_CMP_LT':
      return ordered(BPF_JGE_K, no, yes);
    case 'SCMP_CMP_MASKED_EQ':
      return emitMaskedEqual(asm, arg, yes, no);
  }
}

function emitMaskedEqual(asm: ReverseAssembler, arg: SeccompArg, yes: Target, no: Target): Target {
  const lowOffset = 16 + 8 * arg.index;
  const lowTest = asm.jump(BPF_JEQ_K, Number(arg.valueTwo & 0xffffffffn), yes, no);
  asm.statement(BPF_ALU_AND_K, Number(arg.value & 0xffffffffn));
  asm.statement(BPF_LD_W_ABS, lowOffset);
  const highTest = asm.jump(BPF_JEQ_K, Number(arg.valueTwo >> 32n), { at: lowTest + 2 }, no);
  asm.statement(BPF_ALU_AND_K, Number(arg.value >> 32n));
  asm.statement(BPF_LD_W_ABS, lowOffset + 4);
  return { at: highTest + 2 };
}

/**
 * A binary search over sorted call numbers (A holds nr throughout): halves split on `jgt`,
 * small leaves test each number in turn and fall to defaultAction.
 */
function emitSearch(
  asm: ReverseAssembler,
  numbers: number[],
  blocks: Map<number, Target>,
  defaultAction: number,
): Target {
  if (numbers.length <= LEAF_SIZE) {
    let next: Target = { ret: defaultAction };
    for (const nr of [...numbers].reverse()) next = { at: asm.jump(BPF_JEQ_K, nr, blocks.get(nr)!, next) };
    return next;
  }
  const middle = Math.floor(numbers.length / 2);
  const upper = emitSearch(asm, numbers.slice(middle), blocks, defaultAction);
  const lower = emitSearch(asm, numbers.slice(0, middle), blocks, defaultAction);
  return { at: asm.jump(BPF_JGT_K, numbers[middle - 1], upper, lower) };
}

function emitArchCheck(asm: ReverseAssembler, x86_64: Target, i386: Target): void {
  const otherArch = i386 === KILL ? KILL : { at: asm.jump(BPF_JEQ_K, AUDIT_ARCH_I386, i386, KILL) };
  asm.jump(BPF_JEQ_K, AUDIT_ARCH_X86_64, x86_64, otherArch);
  asm.statement(BPF_LD_W_ABS, OFFSET_ARCH);
}

function filterFlags(flags: string[], source: string): number {
  return flags.reduce((mask, flag, i) => {
    const bit = FILTER_FLAGS[flag];
    if (bit === undefined)
      throw new InvalidArgumentError(`${source}: flags[${i}]: unsupported seccomp flag ${JSON.stringify(flag)}`);
    return mask | bit;
  }, 0);
}
