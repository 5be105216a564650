// The v2 device program's verdicts, checked by running it in a tiny interpreter of the few
// eBPF instructions it uses (the kernel run is in the driver suite, inside the v2 guest).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDeviceRules } from '../devices_default';
import type { DeviceRule } from '../resources';
import { deviceProgram } from '../v2/device_program';

type Access = 'r' | 'w' | 'm' | 'rw';

function run(program: Buffer, type: 'c' | 'b', major: number, minor: number, access: Access): number {
  const bits = (access.includes('m') ? 1 : 0) | (access.includes('r') ? 2 : 0) | (access.includes('w') ? 4 : 0);
  const ctx = [((bits << 16) | (type === 'b' ? 1 : 2)) >>> 0, major, minor];
  const r = new Array<number>(11).fill(0);
  for (let pc = 0; pc < program.length / 8; pc++) {
    const at = pc * 8;
    const [code, regs, off, imm] = [
      program[at],
      program[at + 1],
      program.readInt16LE(at + 2),
      program.readInt32LE(at + 4),
    ];
    const dst = regs & 0xf;
    const src = regs >> 4;
    switch (code) {
      case 0x61:
        assert.equal(src, 1);
        r[dst] = ctx[off / 4];
        break;
      case 0x57:
        r[dst] = r[dst] & imm;
        break;
      case 0x77:
        r[dst] = r[dst] >>> imm;
        break;
      case 0xbf:
        r[dst] = r[src];
        break;
      case 0xb7:
        r[dst] = imm;
        break;
      case 0x55:
        if (r[dst] !== imm) pc += off;
        break;
      case 0x95:
        return r[0];
      default:
        assert.fail(`unexpected opcode ${code}`);
    }
  }
  return assert.fail('fell off the end');
}

test('the default rules: standard nodes and ptys allowed, mknod allowed, the rest denied', () => {
  const p = deviceProgram(defaultDeviceRules());
  assert.equal(run(p, 'c', 1, 3, 'rw'), 1); // /dev/null
  assert.equal(run(p, 'c', 136, 7, 'rw'), 1); // /dev/pts/7
  assert.equal(run(p, 'c', 1, 11, 'r'), 0); // /dev/kmsg
  assert.equal(run(p, 'b', 8, 0, 'r'), 0); // /dev/sda
  assert.equal(run(p, 'b', 8, 0, 'm'), 1); // mknod of any block device
});

test('later rules override earlier ones, and access must be a subset', () => {
  const rules: DeviceRule[] = [
    { allow: false, type: 'a', access: 'rwm' },
    { allow: true, type: 'c', major: 10, access: 'r' },
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
  const p = deviceProgram(rules);
  assert.equal(run(p, 'c', 10, 200, 'r'), 1);
  assert.equal(run(p, 'c', 10, 200, 'rw'), 0, 'w is not in the rule');
  assert.equal(run(p, 'c', 10, 229, 'r'), 0, 'the later deny wins');
  assert.equal(
    run(deviceProgram([{ allow: true, type: 'c', major: 1, minor: 5, access: 'r' }]), 'c', 1, 3, 'r'),
    0,
    'no match denies',
  );
});
