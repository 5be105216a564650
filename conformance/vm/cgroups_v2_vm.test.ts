// Runs the cgroup suites on pure v2 for real: on a v2 host directly, otherwise inside a
// throw-away QEMU guest booted with cgroup_no_v1=all (one boot runs both suites).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectHost } from '../../runtime/cgroups/host';

const repoRoot = path.resolve(__dirname, '../../..');
const vmScript = path.join(repoRoot, 'conformance/vm/cgroup2-vm.sh');
const guestSuite = path.join(__dirname, 'cgroups_v2_guest.js');
// The same cgroup conformance tests the host runs, through a real corrald on pure v2.
const corraldSuite = path.join(__dirname, '..', 'cgroups', 'limits.test.js');
// Pod and container metrics read from the same drivers.
const metricsSuite = path.join(__dirname, '..', 'metrics', 'cgroup_metrics.test.js');
// What a container sees at /sys/fs/cgroup on pure v2.
const cgroupfsSuite = path.join(__dirname, '..', 'fidelity', 'cgroupfs.test.js');

function whyNoVm(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to boot the cgroup v2 guest';
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64'], { encoding: 'utf8' });
  if (qemu.status !== 0) return 'qemu-system-x86_64 is not installed (run conformance/setup-host.sh)';
  if (!existsSync(vmScript)) return `${vmScript} is missing`;
  return undefined;
}

/** The environment the guest command gets, minus the marker that makes node --test think it is nested. */
function guestEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  env.CORRAL_TEST_READY_MS = '300000'; // corrald starts ~50x slower under emulation
  return env;
}

if (detectHost().mode === 'v2') {
  test(
    'cgroup v2 suites',
    { skip: 'this host is pure v2: cgroups_host.test.ts and cgroup_rpcs.test.ts ran the suites here' },
    () => {},
  );
} else {
  const skip = whyNoVm();
  test('cgroup v2 driver, RPC and corrald suites inside a pure-v2 QEMU guest', { skip, timeout: 30 * 60_000 }, (t) => {
    const run = spawnSync(
      vmScript,
      [
        '--timeout',
        '1700',
        '--',
        process.execPath,
        '--test',
        '--test-reporter=tap',
        '--test-concurrency=1',
        guestSuite,
        corraldSuite,
        metricsSuite,
        cgroupfsSuite,
      ],
      {
        cwd: repoRoot,
        env: guestEnv(),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const out = `${run.stdout}${run.stderr}`;
    const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
    if (run.status === 125) assert.fail(`the guest did not run the suite:\n${out}`);
    t.diagnostic(`guest (pure cgroup v2): pass ${count('pass')}, fail ${count('fail')}, skipped ${count('skipped')}`);
    assert.equal(run.status, 0, `guest suite failed:\n${out}`);
    assert.equal(count('fail'), 0, out);
    assert.ok(count('pass') >= 20, `too few guest tests passed:\n${out}`);
  });
}
