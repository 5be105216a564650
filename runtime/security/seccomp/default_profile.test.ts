import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO } from './actions';
import { decodeProgram } from './bpf';
import { runFilter } from './testing/bpf_interpreter';
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, compileSeccompProfile, X32_SYSCALL_BIT } from './compile';
import { I386_SYSCALLS } from './syscall_table_i386';
import { X32_SYSCALLS } from './syscall_table_x32';
import { runtimeDefaultProfile } from './default_profile';
import { X86_64_SYSCALLS } from './syscall_table_x86_64';
import { CAPABILITY_NAMES } from '../capability_names';
import { DEFAULT_CAPABILITIES } from '../capabilities';

const EPERM = (SECCOMP_RET_ERRNO | 1) >>> 0;
const ENOSYS = (SECCOMP_RET_ERRNO | 38) >>> 0;

function filterFor(caps: readonly string[]) {
  const program = decodeProgram(compileSeccompProfile(runtimeDefaultProfile(caps)).filter);
  return (name: string, args: bigint[] = []) =>
    runFilter(program, { nr: X86_64_SYSCALLS.get(name)!, arch: AUDIT_ARCH_X86_64, args });
}

describe('runtimeDefaultProfile', () => {
  it("names calls some x86 ABI has (recv/send exist on none), and fits the kernel's limit", () => {
    const compiled = compileSeccompProfile(runtimeDefaultProfile(CAPABILITY_NAMES));
    assert.deepEqual(compiled.unknownNames.sort(), ['recv', 'send']);
    assert.ok(compiled.instructions < 2048, `${compiled.instructions} instructions`);
  });

  it('covers 32-bit programs: i386 and x32 calls are filtered by the same rules', () => {
    const program = decodeProgram(compileSeccompProfile(runtimeDefaultProfile(DEFAULT_CAPABILITIES)).filter);
    const i386 = (nr: number, args: bigint[] = []) => runFilter(program, { nr, arch: AUDIT_ARCH_I386, args });
    const x32 = (nr: number) => runFilter(program, { nr: (X32_SYSCALL_BIT | nr) >>> 0, arch: AUDIT_ARCH_X86_64 });
    assert.equal(i386(I386_SYSCALLS.get('socketcall')!), SECCOMP_RET_ALLOW);
    assert.equal(i386(I386_SYSCALLS.get('chown32')!), SECCOMP_RET_ALLOW);
    assert.equal(i386(I386_SYSCALLS.get('mount')!), EPERM);
    assert.equal(i386(I386_SYSCALLS.get('clone3')!), ENOSYS);
    assert.equal(i386(I386_SYSCALLS.get('socket')!, [40n]), EPERM);
    assert.equal(x32(X32_SYSCALLS.get('rt_sigaction')!), SECCOMP_RET_ALLOW);
    assert.equal(x32(X32_SYSCALLS.get('keyctl')!), EPERM);
  });

  it('allows what ordinary programs need and denies the dangerous calls', () => {
    const verdict = filterFor(DEFAULT_CAPABILITIES);
    for (const name of [
      'read',
      'write',
      'openat',
      'mmap',
      'execve',
      'exit_group',
      'futex',
      'rseq',
      'wait4',
      'close_range',
      'statx',
      'getrandom',
      'pidfd_open',
      'epoll_pwait2',
      'ptrace',
    ]) {
      assert.equal(verdict(name), SECCOMP_RET_ALLOW, name);
    }
    for (const name of [
      'mount',
      'umount2',
      'unshare',
      'setns',
      'keyctl',
      'add_key',
      'request_key',
      'bpf',
      'perf_event_open',
      'init_module',
      'kexec_load',
      'reboot',
      'swapon',
      'open_by_handle_at',
      'userfaultfd',
      'io_uring_setup',
      'sethostname',
      'settimeofday',
      'acct',
      'pivot_root',
      'syslog',
      'iopl',
      'vhangup',
    ]) {
      assert.equal(verdict(name), EPERM, name);
    }
  });

  it('clone without namespace flags is allowed, with them denied; clone3 gets ENOSYS', () => {
    const verdict = filterFor(DEFAULT_CAPABILITIES);
    const SIGCHLD = 17n;
    assert.equal(verdict('clone', [0x1200000n | SIGCHLD]), SECCOMP_RET_ALLOW, 'fork-style clone');
    assert.equal(verdict('clone', [0x3d0f00n]), SECCOMP_RET_ALLOW, 'thread-style clone');
    for (const flag of [0x20000n, 0x2000000n, 0x4000000n, 0x8000000n, 0x10000000n, 0x20000000n, 0x40000000n]) {
      assert.equal(verdict('clone', [flag | SIGCHLD]), EPERM, `clone flag ${flag.toString(16)}`);
    }
    assert.equal(verdict('clone3'), ENOSYS);
  });

  it('filters socket families and personalities by argument', () => {
    const verdict = filterFor(DEFAULT_CAPABILITIES);
    for (const family of [1n, 2n, 10n, 16n, 17n, 37n, 39n, 41n, 44n])
      assert.equal(verdict('socket', [family]), SECCOMP_RET_ALLOW, `AF ${family}`);
    for (const family of [38n, 40n]) assert.equal(verdict('socket', [family]), EPERM, `AF ${family}`);
    for (const persona of [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn])
      assert.equal(verdict('personality', [persona]), SECCOMP_RET_ALLOW);
    for (const persona of [0x40000n, 0x400000n, 1n]) assert.equal(verdict('personality', [persona]), EPERM);
  });

  it('capabilities unlock their calls', () => {
    const cases: Array<[string, string[]]> = [
      ['CAP_SYS_ADMIN', ['mount', 'umount2', 'unshare', 'setns', 'sethostname', 'clone3', 'fsopen', 'syslog']],
      ['CAP_SYS_BOOT', ['reboot']],
      ['CAP_SYS_CHROOT', ['chroot']],
      ['CAP_SYS_MODULE', ['init_module', 'finit_module']],
      ['CAP_SYS_PACCT', ['acct']],
      ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd']],
      ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
      ['CAP_SYS_TIME', ['settimeofday', 'clock_settime']],
      ['CAP_SYS_TTY_CONFIG', ['vhangup']],
      ['CAP_SYS_NICE', ['mbind', 'set_mempolicy']],
      ['CAP_SYSLOG', ['syslog']],
      ['CAP_BPF', ['bpf']],
      ['CAP_PERFMON', ['perf_event_open']],
      ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
    ];
    for (const [capability, names] of cases) {
      const without = filterFor([]);
      const withCap = filterFor([capability]);
      for (const name of names) {
        assert.equal(withCap(name), SECCOMP_RET_ALLOW, `${name} with ${capability}`);
        assert.notEqual(without(name), SECCOMP_RET_ALLOW, `${name} without ${capability}`);
      }
    }
    const admin = filterFor(['CAP_SYS_ADMIN']);
    assert.equal(admin('clone', [0x40000000n]), SECCOMP_RET_ALLOW, 'CAP_SYS_ADMIN may clone namespaces');
  });
});
