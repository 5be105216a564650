import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors';
import {
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRAP,
} from './actions';
import { BPF_JA, decodeProgram } from './bpf';
import { runFilter } from './testing/bpf_interpreter';
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, compileSeccompProfile } from './compile';
import { ArgOp, parseSeccompProfileJson, SeccompProfile } from './profile';
import { X86_64_SYSCALLS } from './syscall_table_x86_64';

const nr = (name: string) => X86_64_SYSCALLS.get(name)!;
const errno = (n: number) => (SECCOMP_RET_ERRNO | n) >>> 0;

function verdict(
  profile: SeccompProfile,
  call: string | number,
  args: bigint[] = [],
  arch = AUDIT_ARCH_X86_64,
): number {
  const program = decodeProgram(compileSeccompProfile(profile).filter);
  return runFilter(program, { nr: typeof call === 'number' ? call : nr(call), arch, args });
}

function profileOf(json: object): SeccompProfile {
  return parseSeccompProfileJson(JSON.stringify(json), 'test');
}

/** What a comparison means on u64 values (the reference the compiled program must agree with). */
function reference(op: ArgOp, arg: bigint, value: bigint, valueTwo: bigint): boolean {
  switch (op) {
    case 'SCMP_CMP_EQ':
      return arg === value;
    case 'SCMP_CMP_NE':
      return arg !== value;
    case 'SCMP_CMP_LT':
      return arg < value;
    case 'SCMP_CMP_LE':
      return arg <= value;
    case 'SCMP_CMP_GT':
      return arg > value;
    case 'SCMP_CMP_GE':
      return arg >= value;
    case 'SCMP_CMP_MASKED_EQ':
      return (arg & value) === valueTwo;
  }
}

const EDGE_VALUES = [
  0n,
  1n,
  2n,
  0x7fffffffn,
  0x80000000n,
  0xfffffffen,
  0xffffffffn,
  0x100000000n,
  0x100000001n,
  0x1ffffffffn,
  0x123456789abcdefn,
  0x8000000000000000n,
  0xfffffffffffffffen,
  0xffffffffffffffffn,
];
const OPS: ArgOp[] = [
  'SCMP_CMP_EQ',
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_GT',
  'SCMP_CMP_GE',
  'SCMP_CMP_MASKED_EQ',
];

describe('compileSeccompProfile', () => {
  it('every comparison agrees with u64 arithmetic at the 32/64-bit edges', () => {
    for (const op of OPS) {
      for (const value of EDGE_VALUES) {
        const valueTwo = op === 'SCMP_CMP_MASKED_EQ' ? value & 0xff00000000ff00n : 0n;
        const profile = profileOf({
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [
            {
              names: ['getpriority'],
              action: 'SCMP_ACT_ERRNO',
              errnoRet: 77,
              args: [{ index: 3, op, value: value.toString(), valueTwo: valueTwo.toString() }],
            },
          ],
        });
        const program = decodeProgram(compileSeccompProfile(profile).filter);
        for (const arg of EDGE_VALUES) {
          const got = runFilter(program, { nr: nr('getpriority'), arch: AUDIT_ARCH_X86_64, args: [0n, 0n, 0n, arg] });
          const want = reference(op, arg, value, valueTwo) ? errno(77) : SECCOMP_RET_ALLOW;
          assert.equal(got, want, `${op} arg=${arg.toString(16)} value=${value.toString(16)}`);
        }
      }
    }
  });

  it('reads big argument values from JSON without losing precision', () => {
    const profile = parseSeccompProfileJson(
      `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],
      "action":"SCMP_ACT_ERRNO","args":[{"index":0,"op":"SCMP_CMP_EQ","value":18446744073709551615}]}]}`,
      'big',
    );
    assert.equal(profile.syscalls[0].args[0].value, 0xffffffffffffffffn);
    assert.equal(verdict(profile, 'read', [0xffffffffffffffffn]), errno(1));
    assert.equal(verdict(profile, 'read', [0xfffffffffffffffen]), SECCOMP_RET_ALLOW);
  });

  it('ANDs conditions within a rule and tries rules in turn', () => {
    const profile = profileOf({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        {
          names: ['kill'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, op: 'SCMP_CMP_GT', value: 100 },
            { index: 1, op: 'SCMP_CMP_EQ', value: 15 },
          ],
        },
        { names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, op: 'SCMP_CMP_EQ', value: 0 }] },
      ],
    });
    assert.equal(verdict(profile, 'kill', [101n, 15n]), SECCOMP_RET_ALLOW);
    assert.equal(verdict(profile, 'kill', [100n, 15n]), errno(1));
    assert.equal(verdict(profile, 'kill', [101n, 9n]), errno(1));
    assert.equal(verdict(profile, 'kill', [5n, 0n]), SECCOMP_RET_ALLOW);
  });

  it('a rule repeating an argument index ORs its conditions, as runc does', () => {
    const profile = profileOf({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ERRNO',
          args: [
            { index: 0, op: 'SCMP_CMP_EQ', value: 38 },
            { index: 0, op: 'SCMP_CMP_EQ', value: 40 },
          ],
        },
      ],
    });
    assert.equal(verdict(profile, 'socket', [38n]), errno(1));
    assert.equal(verdict(profile, 'socket', [40n]), errno(1));
    assert.equal(verdict(profile, 'socket', [2n]), SECCOMP_RET_ALLOW);
  });

  it('the most restrictive matching action wins, whatever the order of rules', () => {
    const profile = profileOf({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['personality'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_TRAP', args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 9 }] },
        { names: ['personality'], action: 'SCMP_ACT_LOG', args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 9 }] },
      ],
    });
    assert.equal(verdict(profile, 'personality', [9n]), SECCOMP_RET_TRAP);
    assert.equal(verdict(profile, 'personality', [8n]), SECCOMP_RET_ALLOW);
  });

  it('maps every action and its errno data', () => {
    const actions: Array<[string, number | undefined, number]> = [
      ['SCMP_ACT_KILL', undefined, 0],
      ['SCMP_ACT_KILL_THREAD', undefined, 0],
      ['SCMP_ACT_KILL_PROCESS', undefined, SECCOMP_RET_KILL_PROCESS],
      ['SCMP_ACT_TRAP', undefined, SECCOMP_RET_TRAP],
      ['SCMP_ACT_ERRNO', undefined, errno(1)],
      ['SCMP_ACT_ERRNO', 38, errno(38)],
      ['SCMP_ACT_TRACE', 7, 0x7ff00007],
      ['SCMP_ACT_LOG', undefined, SECCOMP_RET_LOG],
      ['SCMP_ACT_ALLOW', undefined, SECCOMP_RET_ALLOW],
    ];
    for (const [action, errnoRet, want] of actions) {
      const profile = profileOf({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['getpid'], action, errnoRet }],
      });
      const expected = action === 'SCMP_ACT_ALLOW' ? SECCOMP_RET_ALLOW : want;
      assert.equal(verdict(profile, 'getpid'), expected, action);
      const asDefault = profileOf({ defaultAction: action, defaultErrnoRet: errnoRet });
      assert.equal(verdict(asDefault, 'getpid'), want, `default ${action}`);
    }
  });

  it('kills architectures and x32 numbers the profile does not list, whatever the default', () => {
    const profile = profileOf({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_AARCH64'] });
    assert.equal(verdict(profile, 'getpid'), SECCOMP_RET_ALLOW);
    assert.equal(verdict(profile, 20, [], AUDIT_ARCH_I386), SECCOMP_RET_KILL_PROCESS);
    assert.equal(verdict(profile, 0x40000000 + 39), SECCOMP_RET_KILL_PROCESS);
    assert.equal(verdict(profile, 20, [], 0xc00000b7), SECCOMP_RET_KILL_PROCESS, 'aarch64 is not this machine');
  });

  it('listed i386 and x32 get their own numbering for the same names', () => {
    const profile = profileOf({
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 5 },
        {
          names: ['rt_sigaction'],
          action: 'SCMP_ACT_ERRNO',
          errnoRet: 6,
          args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 9 }],
        },
      ],
    });
    assert.equal(verdict(profile, 39), errno(5), 'x86_64 getpid');
    assert.equal(verdict(profile, 20, [], AUDIT_ARCH_I386), errno(5), 'i386 getpid');
    assert.equal(verdict(profile, 39, [], AUDIT_ARCH_I386), SECCOMP_RET_ALLOW, 'i386 39 is mkdir');
    assert.equal(verdict(profile, 0x40000000 + 39), errno(5), 'x32 getpid');
    assert.equal(verdict(profile, 0x40000000 + 512, [9n]), errno(6), 'x32 rt_sigaction is 512');
    assert.equal(verdict(profile, 0x40000000 + 13, [9n]), SECCOMP_RET_ALLOW, 'x32 13 is not rt_sigaction');
    assert.equal(verdict(profile, 174, [9n], AUDIT_ARCH_I386), errno(6), 'i386 rt_sigaction is 174');
  });

  it('uses long jumps when blocks lie beyond 255 instructions, and stays correct', () => {
    // Many argument rules on early call numbers push the later blocks far away.
    const calls = [...X86_64_SYSCALLS.entries()].filter(([, n]) => n < 300);
    const syscalls = calls.map(([name, n]) => ({
      names: [name],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: n % 4000,
      args: [
        { index: n % 6, op: 'SCMP_CMP_GE', value: n * 1000 },
        { index: (n + 1) % 6, op: 'SCMP_CMP_NE', value: 7 },
      ],
    }));
    const profile = profileOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls });
    const compiled = compileSeccompProfile(profile);
    const program = decodeProgram(compiled.filter);
    assert.ok(
      program.some((insn) => insn.code === BPF_JA && insn.k > 255),
      'a long jump was needed',
    );
    for (const [, n] of calls) {
      const args = [0n, 0n, 0n, 0n, 0n, 0n];
      args[n % 6] = BigInt(n * 1000);
      assert.equal(runFilter(program, { nr: n, arch: AUDIT_ARCH_X86_64, args }), errno(n % 4000), `call ${n}`);
      args[(n + 1) % 6] = 7n;
      if ((n + 1) % 6 !== n % 6) {
        assert.equal(
          runFilter(program, { nr: n, arch: AUDIT_ARCH_X86_64, args }),
          SECCOMP_RET_ALLOW,
          `call ${n} excluded`,
        );
      }
    }
    assert.equal(runFilter(program, { nr: 400, arch: AUDIT_ARCH_X86_64 }), SECCOMP_RET_ALLOW);
  });

  it('refuses a program longer than the kernel takes', () => {
    const args = Array.from({ length: 6 }, (_, i) => ({
      index: i,
      op: 'SCMP_CMP_MASKED_EQ',
      value: 0xff,
      valueTwo: i,
    }));
    const syscalls = [...X86_64_SYSCALLS.keys()].map((name) => ({ names: [name], action: 'SCMP_ACT_ERRNO', args }));
    assert.throws(
      () => compileSeccompProfile(profileOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls })),
      (err: Error) => err instanceof InvalidArgumentError && /more than the kernel's 4096/.test(err.message),
    );
  });

  it('skips names x86_64 lacks, but refuses a profile that names nothing known', () => {
    const some = compileSeccompProfile(
      profileOf({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['chown32', 'chmod', 'no_such_call'], action: 'SCMP_ACT_ERRNO' }],
      }),
    );
    assert.deepEqual(some.unknownNames.sort(), ['chown32', 'no_such_call']);
    assert.throws(
      () =>
        compileSeccompProfile(
          profileOf({
            defaultAction: 'SCMP_ACT_ALLOW',
            syscalls: [{ names: ['chown32'], action: 'SCMP_ACT_ERRNO' }],
          }),
        ),
      InvalidArgumentError,
    );
  });

  it('collects filter flags and refuses unknown ones', () => {
    const flagged = compileSeccompProfile(
      profileOf({
        defaultAction: 'SCMP_ACT_ALLOW',
        flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      }),
    );
    assert.equal(flagged.flags, 6);
    assert.throws(
      () =>
        compileSeccompProfile(
          profileOf({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NEW_LISTENER'] }),
        ),
      /flags\[0\]/,
    );
  });

  it('refuses NOTIFY and unknown actions, naming the field', () => {
    assert.throws(
      () => compileSeccompProfile(profileOf({ defaultAction: 'SCMP_ACT_NOTIFY' })),
      (err: Error) => err instanceof InvalidArgumentError && /defaultAction.*NOTIFY/.test(err.message),
    );
    assert.throws(
      () =>
        compileSeccompProfile(
          profileOf({
            defaultAction: 'SCMP_ACT_ALLOW',
            syscalls: [{ names: ['read'], action: 'SCMP_ACT_BOGUS' }],
          }),
        ),
      /syscalls\[0\]\.action/,
    );
    assert.throws(
      () =>
        compileSeccompProfile(
          profileOf({
            defaultAction: 'SCMP_ACT_ALLOW',
            syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 }],
          }),
        ),
      /errnoRet/,
    );
  });
});

describe('parseSeccompProfileJson', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /malformed/],
    ['[]', /must be a JSON object/],
    ['{}', /defaultAction/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}', /syscalls: must be a list/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]}', /syscalls\[0\]\.names/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[1],"action":"SCMP_ACT_ERRNO"}]}', /names\[0\]/],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"]}]}', /action/],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"op":"SCMP_CMP_EQ","value":1}]}]}',
      /index/,
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"op":"EQ","value":1}]}]}',
      /op/,
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"op":"SCMP_CMP_EQ","value":-1}]}]}',
      /value/,
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"op":"SCMP_CMP_EQ","value":18446744073709551616}]}]}',
      /64 bits/,
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"op":"SCMP_CMP_EQ","value":1.5}]}]}',
      /value/,
    ],
    ['{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]}', /architectures\[0\]/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text.slice(0, 60)}`, () => {
      assert.throws(
        () => parseSeccompProfileJson(text, '/etc/p.json'),
        (err: Error) =>
          err instanceof InvalidArgumentError && message.test(err.message) && err.message.startsWith('/etc/p.json'),
      );
    });
  }

  it('accepts Docker-style profiles (archMap, singular name, extra fields ignored)', () => {
    const profile = parseSeccompProfileJson(
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ERRNO',
        archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }],
        syscalls: [{ name: 'read', action: 'SCMP_ACT_ALLOW', comment: 'x', includes: {}, excludes: {} }],
      }),
      'docker',
    );
    assert.deepEqual(profile.syscalls[0].names, ['read']);
    assert.equal(verdict(profile, 'read'), SECCOMP_RET_ALLOW);
    assert.equal(verdict(profile, 'write'), errno(1));
  });
});
