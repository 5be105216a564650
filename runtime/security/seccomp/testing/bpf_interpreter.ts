// A classic BPF interpreter for the subset seccomp filters use, so compiled programs can be
// checked exhaustively without the kernel (the kernel tests then confirm the two agree).
// Checks what the kernel's verifier checks: jumps stay inside, loads are aligned and in range.
import {
  BPF_ALU_AND_K,
  BPF_JA,
  BPF_JEQ_K,
  BPF_JGE_K,
  BPF_JGT_K,
  BPF_JSET_K,
  BPF_LD_W_ABS,
  BPF_RET_K,
  SockFilter,
} from '../bpf';

export interface SeccompData {
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  args?: bigint[]; // up to six, each u64
}

const SECCOMP_DATA_SIZE = 64;

function seccompDataBytes(data: SeccompData): Buffer {
  const bytes = Buffer.alloc(SECCOMP_DATA_SIZE);
  bytes.writeInt32LE(data.nr | 0, 0);
  bytes.writeUInt32LE(data.arch >>> 0, 4);
  bytes.writeBigUInt64LE(data.instructionPointer ?? 0n, 8);
  (data.args ?? []).forEach((arg, i) => bytes.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * i));
  return bytes;
}

/** Runs the program on one system call and returns the filter's 32-bit verdict. */
export function runFilter(program: readonly SockFilter[], data: SeccompData): number {
  const input = seccompDataBytes(data);
  let a = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc];
    switch (code) {
      case BPF_LD_W_ABS:
        if (k % 4 !== 0 || k + 4 > SECCOMP_DATA_SIZE) throw new Error(`bad load offset ${k} at ${pc}`);
        a = input.readUInt32LE(k);
        break;
      case BPF_ALU_AND_K:
        a = (a & k) >>> 0;
        break;
      case BPF_RET_K:
        return k >>> 0;
      case BPF_JA:
        pc += k;
        break;
      case BPF_JEQ_K:
        pc += a === k >>> 0 ? jt : jf;
        break;
      case BPF_JGT_K:
        pc += a > k >>> 0 ? jt : jf;
        break;
      case BPF_JGE_K:
        pc += a >= k >>> 0 ? jt : jf;
        break;
      case BPF_JSET_K:
        pc += (a & k) !== 0 ? jt : jf;
        break;
      default:
        throw new Error(`unsupported opcode 0x${code.toString(16)} at ${pc}`);
    }
    if (pc + 1 > program.length) throw new Error(`jump past the end at ${pc}`);
  }
  throw new Error('program ran off its end without returning');
}
