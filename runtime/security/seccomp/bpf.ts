// Classic BPF as seccomp runs it: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k } (8 bytes,
// little-endian on x86_64) and an assembler that lays a program out back to front. Jumps in
// classic BPF only go forward, so emitting the tail first means every target is already placed
// when a jump to it is written; a conditional jump whose target lies more than 255 instructions
// ahead goes through a 32-bit JA trampoline, and a far `ret` is simply repeated nearby.

export const BPF_LD_W_ABS = 0x20; // A = *(u32 *)(seccomp_data + k)
export const BPF_ALU_AND_K = 0x54; // A &= k
export const BPF_JA = 0x05; // pc += k
export const BPF_JEQ_K = 0x15; // pc += (A == k) ? jt : jf
export const BPF_JGT_K = 0x25; // unsigned A > k
export const BPF_JGE_K = 0x35; // unsigned A >= k
export const BPF_JSET_K = 0x45; // (A & k) != 0
export const BPF_RET_K = 0x06; // return k

/** The kernel's limit on a filter's length (BPF_MAXINSNS). */
export const BPF_MAX_INSTRUCTIONS = 4096;
const MAX_SHORT_JUMP = 255;

export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Serialises instructions as the kernel reads struct sock_filter[]. */
export function encodeProgram(program: readonly SockFilter[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(insn.jt, i * 8 + 2);
    out.writeUInt8(insn.jf, i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}

export function decodeProgram(bytes: Buffer): SockFilter[] {
  const program: SockFilter[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    program.push({
      code: bytes.readUInt16LE(at),
      jt: bytes.readUInt8(at + 2),
      jf: bytes.readUInt8(at + 3),
      k: bytes.readUInt32LE(at + 4),
    });
  }
  return program;
}

/** Where a branch goes: an already emitted instruction, or "return this value". */
export type Target = { at: Label } | { ret: number };

/** An emitted instruction, counted from the end of the program (0 = last). */
export type Label = number;

export class ReverseAssembler {
  private readonly reversed: SockFilter[] = [];
  private readonly lastReturn = new Map<number, Label>();

  /** Emits `ret k` (or reuses a near one) and returns where it is. */
  ret(k: number): Label {
    const value = k >>> 0;
    const existing = this.lastReturn.get(value);
    if (existing !== undefined && this.distanceTo(existing) === 0) return existing;
    const label = this.push({ code: BPF_RET_K, jt: 0, jf: 0, k: value });
    this.lastReturn.set(value, label);
    return label;
  }

  /** Emits a non-jump statement that falls through to what was emitted just before it. */
  statement(code: number, k: number): Label {
    return this.push({ code, jt: 0, jf: 0, k: k >>> 0 });
  }

  /** Emits a conditional jump, adding trampolines where a branch lies too far ahead. */
  jump(code: number, k: number, whenTrue: Target, whenFalse: Target): Label {
    let trueAt = this.place(whenTrue);
    let falseAt = this.place(whenFalse);
    // Placing one branch's trampoline can push the other out of reach; settle both.
    for (;;) {
      if (this.distanceTo(trueAt) > MAX_SHORT_JUMP) trueAt = this.trampoline(whenTrue, trueAt);
      else if (this.distanceTo(falseAt) > MAX_SHORT_JUMP) falseAt = this.trampoline(whenFalse, falseAt);
      else break;
    }
    return this.push({ code, jt: this.distanceTo(trueAt), jf: this.distanceTo(falseAt), k: k >>> 0 });
  }

  /**
   * Makes the next instruction emitted (a statement) flow into `target`: nothing if the target is
   * the last emitted instruction, else a `ret` or a JA placed in between.
   */
  flowInto(target: Target): void {
    if ('at' in target && target.at === this.reversed.length - 1) return;
    if ('ret' in target) {
      this.push({ code: BPF_RET_K, jt: 0, jf: 0, k: target.ret >>> 0 });
      return;
    }
    this.push({ code: BPF_JA, jt: 0, jf: 0, k: this.distanceTo(target.at) });
  }

  get length(): number {
    return this.reversed.length;
  }

  /** The program in execution order. */
  finish(): SockFilter[] {
    return [...this.reversed].reverse();
  }

  private place(target: Target): Label {
    if ('at' in target) return target.at;
    const existing = this.lastReturn.get(target.ret >>> 0);
    if (existing !== undefined && this.distanceTo(existing) <= MAX_SHORT_JUMP) return existing;
    return this.ret(target.ret);
  }

  private trampoline(target: Target, far: Label): Label {
    if ('ret' in target) return this.ret(target.ret);
    return this.push({ code: BPF_JA, jt: 0, jf: 0, k: this.distanceTo(far) });
  }

  /** Jump offset from the next instruction to be emitted to `label`. */
  private distanceTo(label: Label): number {
    return this.reversed.length - label - 1;
  }

  private push(insn: SockFilter): Label {
    this.reversed.push(insn);
    return this.reversed.length - 1;
  }
}
