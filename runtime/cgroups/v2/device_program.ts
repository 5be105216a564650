// Compiles OCI device rules into a BPF_PROG_TYPE_CGROUP_DEVICE program, the v2 equivalent of
// v1's devices.allow/deny. The kernel calls it with struct bpf_cgroup_dev_ctx
// { u32 access_type (access << 16 | type); u32 major; u32 minor; } and allows on 1.
// Rules are checked last to first, so a later rule overrides an earlier one as on v1; when none
// matches, access is denied.
import type { DeviceRule } from '../resources';

const DEV_BLOCK = 1;
const DEV_CHAR = 2;
const ACC_MKNOD = 1;
const ACC_READ = 2;
const ACC_WRITE = 4;

// Opcodes (class | op | source) and registers used.
const LDX_W = 0x61; // dst = *(u32 *)(src + off)
const AND_K = 0x57; // dst &= imm (64-bit)
const RSH_K = 0x77; // dst >>= imm
const MOV_X = 0xbf; // dst = src
const MOV_K = 0xb7; // dst = imm
const JNE_K = 0x55; // if dst != imm: pc += off
const EXIT = 0x95;
const R0 = 0,
  R1 = 1,
  R2 = 2,
  R3 = 3,
  R4 = 4,
  R5 = 5;

interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

/** The program as the kernel takes it: 8 bytes per instruction, little endian. */
export function deviceProgram(rules: DeviceRule[]): Buffer {
  const prologue = [
    insn(LDX_W, R2, R1, 0, 0),
    insn(AND_K, R2, 0, 0, 0xffff), // r2 = device type
    insn(LDX_W, R3, R1, 0, 0),
    insn(RSH_K, R3, 0, 0, 16), // r3 = requested access
    insn(LDX_W, R4, R1, 4, 0), // r4 = major
    insn(LDX_W, R5, R1, 8, 0), // r5 = minor
  ];
  const body: Insn[] = [];
  for (const rule of [...rules].reverse()) {
    const block = ruleBlock(rule);
    body.push(...block);
    // A rule that matches everything decides alone; the verifier rejects code after it.
    if (!block.some((i) => i.code === JNE_K)) return encode([...prologue, ...body]);
  }
  const deny = [insn(MOV_K, R0, 0, 0, 0), insn(EXIT, 0, 0, 0, 0)];
  return encode([...prologue, ...body, ...deny]);
}

/** Tests that skip to the next block on mismatch, then return the rule's verdict. */
function ruleBlock(rule: DeviceRule): Insn[] {
  const tests: Insn[][] = [];
  if (rule.type !== 'a') tests.push([insn(JNE_K, R2, 0, 0, rule.type === 'b' ? DEV_BLOCK : DEV_CHAR)]);
  const allowed = accessBits(rule.access);
  if (allowed !== (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
    // Matches only when every requested access is among the rule's.
    tests.push([insn(MOV_X, R1, R3, 0, 0), insn(AND_K, R1, 0, 0, ~allowed & 7), insn(JNE_K, R1, 0, 0, 0)]);
  }
  if (rule.type !== 'a' && rule.major !== undefined) tests.push([insn(JNE_K, R4, 0, 0, rule.major)]);
  if (rule.type !== 'a' && rule.minor !== undefined) tests.push([insn(JNE_K, R5, 0, 0, rule.minor)]);
  const verdict = [insn(MOV_K, R0, 0, 0, rule.allow ? 1 : 0), insn(EXIT, 0, 0, 0, 0)];
  const flat = [...tests.flat(), ...verdict];
  // Each jump skips to the end of this block: off counts instructions after the jump.
  return flat.map((i, index) => (i.code === JNE_K ? { ...i, off: flat.length - index - 1 } : i));
}

function accessBits(access: string): number {
  return (
    (access.includes('m') ? ACC_MKNOD : 0) |
    (access.includes('r') ? ACC_READ : 0) |
    (access.includes('w') ? ACC_WRITE : 0)
  );
}

function encode(program: Insn[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((i, n) => {
    out.writeUInt8(i.code, n * 8);
    out.writeUInt8((i.src << 4) | i.dst, n * 8 + 1);
    out.writeInt16LE(i.off, n * 8 + 2);
    out.writeInt32LE(i.imm, n * 8 + 4);
  });
  return out;
}
