// Real kernel tests of compiled filters: each runs in its own short-lived node process
// (testing/kernel_probe_child.js) that installs the filter and makes the probed system calls.
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSeccompProfile } from './compile';
import { runtimeDefaultProfile } from './default_profile';
import { parseSeccompProfileJson, SeccompProfile } from './profile';

const EPERM = 1;
const ENOSYS = 38;
const CLONE_NEWUTS = String(0x04000000);
const AF_INET = '2';
const AF_VSOCK = '40';
const SOCK_STREAM = '1';

const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-seccomp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  name: string;
  nr: number;
  args?: string[];
}
type Results = Record<string, { ret: number; errno: number }>;

function runUnder(profile: SeccompProfile, probes: Probe[]) {
  const compiled = compileSeccompProfile(profile);
  const filterPath = path.join(dir, `filter-${Math.random().toString(16).slice(2)}`);
  writeFileSync(filterPath, compiled.filter);
  const child = spawnSync(
    process.execPath,
    [
      path.join(__dirname, 'testing', 'kernel_probe_child.js'),
      filterPath,
      String(compiled.flags),
      JSON.stringify(probes),
    ],
    { encoding: 'utf8' },
  );
  const results = child.status === 0 ? (JSON.parse(child.stdout) as Results) : undefined;
  return { results, signal: child.signal, status: child.status, stderr: child.stderr };
}

function mustRun(profile: SeccompProfile, probes: Probe[]): Results {
  const run = runUnder(profile, probes);
  assert.ok(run.results, `probe child failed: status ${run.status} signal ${run.signal} ${run.stderr}`);
  return run.results;
}

const defaultProbes: Probe[] = [
  { name: 'getppid', nr: 110 },
  { name: 'unshareUts', nr: 272, args: [CLONE_NEWUTS] },
  { name: 'clone3', nr: 435, args: ['0', '0'] },
  { name: 'personalityQuery', nr: 135, args: ['4294967295'] },
  { name: 'personalityNoRandomize', nr: 135, args: [String(0x0040000)] },
  { name: 'socketInet', nr: 41, args: [AF_INET, SOCK_STREAM, '0'] },
  { name: 'socketVsock', nr: 41, args: [AF_VSOCK, SOCK_STREAM, '0'] },
  { name: 'mount', nr: 165 },
  { name: 'keyctl', nr: 250, args: ['0', '4294967295'] },
];

describe('compiled seccomp filters in the kernel', () => {
  it('an allow-everything filter lets every probe reach the kernel', () => {
    const results = mustRun(parseSeccompProfileJson('{"defaultAction":"SCMP_ACT_ALLOW"}', 'allow'), defaultProbes);
    assert.ok(results.getppid.ret > 0);
    assert.equal(results.unshareUts.ret, 0, 'root may unshare a UTS namespace without a filter');
    assert.notEqual(results.clone3.errno, ENOSYS);
    assert.notEqual(results.mount.errno, EPERM);
    assert.ok(results.socketInet.ret >= 0);
  });

  it('RuntimeDefault without CAP_SYS_ADMIN denies namespaces, mount, keyctl and vsock, and sends clone3 to ENOSYS', () => {
    const results = mustRun(runtimeDefaultProfile(['CAP_CHOWN', 'CAP_KILL']), defaultProbes);
    assert.ok(results.getppid.ret > 0, 'getppid is allowed');
    assert.deepEqual(results.unshareUts, { ret: -1, errno: EPERM });
    assert.deepEqual(results.clone3, { ret: -1, errno: ENOSYS });
    assert.ok(results.personalityQuery.ret >= 0, 'personality(0xffffffff) is allowed');
    assert.deepEqual(results.personalityNoRandomize, { ret: -1, errno: EPERM });
    assert.ok(results.socketInet.ret >= 0, 'AF_INET sockets are allowed');
    assert.deepEqual(results.socketVsock, { ret: -1, errno: EPERM });
    assert.deepEqual(results.mount, { ret: -1, errno: EPERM });
    assert.deepEqual(results.keyctl, { ret: -1, errno: EPERM });
  });

  it('RuntimeDefault with CAP_SYS_ADMIN lets unshare and clone3 through', () => {
    const results = mustRun(runtimeDefaultProfile(['CAP_SYS_ADMIN']), defaultProbes);
    assert.equal(results.unshareUts.ret, 0);
    assert.notEqual(results.clone3.errno, ENOSYS);
    assert.notEqual(results.mount.errno, EPERM);
    assert.deepEqual(results.keyctl, { ret: -1, errno: EPERM }, 'keyctl stays denied');
  });

  it('compares 64-bit arguments by both halves, and masks', () => {
    const profile = parseSeccompProfileJson(
      `{
      "defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [
        {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 91,
         "args": [{"index": 1, "op": "SCMP_CMP_GT", "value": 4294967296}]},
        {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 92,
         "args": [{"index": 0, "op": "SCMP_CMP_MASKED_EQ", "value": 1095216660480, "valueTwo": 77309411328}]}
      ]}`,
      'args',
    );
    const results = mustRun(profile, [
      { name: 'whoAbove', nr: 140, args: ['0', '4294967297'] },
      { name: 'whoEqual', nr: 140, args: ['0', '4294967296'] },
      { name: 'whichMasked', nr: 140, args: [String(0x1234000000), '0'] },
      { name: 'whichUnmasked', nr: 140, args: [String(0x1334000000), '0'] },
    ]);
    assert.equal(results.whoAbove.errno, 91);
    assert.notEqual(results.whoEqual.errno, 91);
    assert.equal(results.whichMasked.errno, 92);
    assert.notEqual(results.whichUnmasked.errno, 92);
  });

  it('the chmod-blocking profile critest uses makes chmod fail with EPERM', () => {
    const profile = parseSeccompProfileJson(
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat"],"action":"SCMP_ACT_ERRNO"}]}',
      'critest',
    );
    const results = mustRun(profile, [
      { name: 'chmod', nr: 90, args: ['0', '256'] },
      { name: 'fchmod', nr: 91, args: ['4294967295', '256'] },
    ]);
    assert.deepEqual(results.chmod, { ret: -1, errno: EPERM });
    assert.notEqual(results.fchmod.errno, EPERM, 'fchmod is not blocked (EBADF instead)');
  });

  it('KILL_PROCESS kills the caller with SIGSYS', () => {
    const profile = parseSeccompProfileJson(
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL_PROCESS"}]}',
      'kill',
    );
    const run = runUnder(profile, [{ name: 'getppid', nr: 110 }]);
    assert.equal(run.signal, 'SIGSYS');
  });

  it('x32 system call numbers are killed even when the profile allows everything', () => {
    const run = runUnder(parseSeccompProfileJson('{"defaultAction":"SCMP_ACT_ALLOW"}', 'x32'), [
      { name: 'x32getpid', nr: 0x40000000 + 39 },
    ]);
    assert.equal(run.signal, 'SIGSYS');
  });

  it('the kernel accepts the LOG filter flag', () => {
    const results = mustRun(
      parseSeccompProfileJson(
        '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],' +
          '"syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"}]}',
        'log',
      ),
      [{ name: 'getppid', nr: 110 }],
    );
    assert.ok(results.getppid.ret > 0);
  });
});
