// The two bpf(2) commands corral needs to enforce device rules on cgroup v2: load a
// BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to a cgroup directory's fd.
import koffi, { type KoffiFunc } from 'koffi';
import { SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
const syscall = libc.func('long syscall(long number, ...)') as KoffiFunc<
  (number: number, ...typedArgs: unknown[]) => number | bigint
>;

const SYS_bpf = 321; // x86_64
const BPF_PROG_LOAD = 5;
const BPF_PROG_ATTACH = 8;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
/** Lets descendants add their own programs and lets this one coexist with others. */
export const BPF_F_ALLOW_MULTI = 2;

// The leading members of union bpf_attr for each command (the kernel zero-fills the rest).
const ProgLoadAttr = koffi.struct('corral_bpf_prog_load_attr', {
  prog_type: 'uint32',
  insn_cnt: 'uint32',
  insns: 'void *',
  license: 'const char *',
  log_level: 'uint32',
  log_size: 'uint32',
  log_buf: 'void *',
  kern_version: 'uint32',
  prog_flags: 'uint32',
  prog_name: koffi.array('char', 16),
  prog_ifindex: 'uint32',
  expected_attach_type: 'uint32',
});
const ProgAttachAttr = koffi.struct('corral_bpf_prog_attach_attr', {
  target_fd: 'uint32',
  attach_bpf_fd: 'uint32',
  attach_type: 'uint32',
  attach_flags: 'uint32',
  replace_bpf_fd: 'uint32',
});

const LOG_SIZE = 64 * 1024;

/**
 * Loads a program (8-byte eBPF instructions) and returns its fd. On a verifier rejection the
 * error carries the verifier's log.
 */
export function bpfProgLoad(progType: number, expectedAttachType: number, insns: Buffer, name: string): number {
  const code: unknown = koffi.alloc('uint8', insns.length);
  const log: unknown = koffi.alloc('uint8', LOG_SIZE);
  try {
    koffi.encode(code, 'uint8', [...insns], insns.length);
    koffi.encode(log, 'uint8', [0], 1);
    const attr = {
      prog_type: progType,
      insn_cnt: insns.length / 8,
      insns: code,
      license: 'Apache-2.0',
      log_level: 1,
      log_size: LOG_SIZE,
      log_buf: log,
      kern_version: 0,
      prog_flags: 0,
      prog_name: name.slice(0, 15),
      prog_ifindex: 0,
      expected_attach_type: expectedAttachType,
    };
    const fd = Number(
      syscall(SYS_bpf, 'int', BPF_PROG_LOAD, 'corral_bpf_prog_load_attr *', attr, 'uint', koffi.sizeof(ProgLoadAttr)),
    );
    if (fd < 0) {
      const errno = koffi.errno();
      const text = koffi.decode(log, 'char', LOG_SIZE) as string;
      throw new SyscallError(
        'bpf',
        errno,
        `BPF_PROG_LOAD ${name}: ${text.replace(/\0.*$/s, '').trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    return fd;
  } finally {
    koffi.free(code);
    koffi.free(log);
  }
}

export function bpfProgAttach(targetFd: number, progFd: number, attachType: number, flags: number): void {
  const attr = {
    target_fd: targetFd,
    attach_bpf_fd: progFd,
    attach_type: attachType,
    attach_flags: flags,
    replace_bpf_fd: 0,
  };
  const rc = Number(
    syscall(
      SYS_bpf,
      'int',
      BPF_PROG_ATTACH,
      'corral_bpf_prog_attach_attr *',
      attr,
      'uint',
      koffi.sizeof(ProgAttachAttr),
    ),
  );
  if (rc < 0) throw new SyscallError('bpf', koffi.errno(), `BPF_PROG_ATTACH fd ${targetFd}`);
}
