// Runs the cgroup and fidelity suites on pure v2 for real: on a v2 host directly, otherwise inside
// a throw-away QEMU guest booted with cgroup_no_v1=all (one boot runs them all: boots are slow).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectHost } from '../../runtime/cgroups/host';
import { busyboxBinary } from '../testimages/busybox_deb';
import { buildProgramImage } from '../testimages/program_images';
import { proberBinary } from '../security/testing/shared_pid_pod';

const repoRoot = path.resolve(__dirname, '../../..');
const vmScript = path.join(repoRoot, 'conformance/vm/cgroup2-vm.sh');
const guestSuite = path.join(__dirname, 'cgroups_v2_guest.js');
// The same cgroup conformance tests the host runs, through a real corrald on pure v2.
const corraldSuite = path.join(__dirname, '..', 'cgroups', 'limits.test.js');
// Pod and container metrics read from the same drivers.
const metricsSuite = path.join(__dirname, '..', 'metrics', 'cgroup_metrics.test.js');
// What a container sees on pure v2 and on the guest's older kernel (6.1: no overlay lowerdir+):
// its cgroups at /sys/fs/cgroup, ptys from its own devpts, a 125-layer image (plain and
// user-namespaced), /dev in a user-namespaced pod, the defaults of unset fields, and real programs
// (JVM, python, nginx) reading their limits; and a container init in a shared pid namespace
// never seen holding the host's capabilities on a kernel without fsconfig "pidns" (before 6.15).
// One process, one corrald (fidelity/together.ts).
const fidelitySuites = path.join(__dirname, '..', 'fidelity', 'together.js');

function whyNoVm(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to boot the cgroup v2 guest';
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64'], { encoding: 'utf8' });
  if (qemu.status !== 0) return 'qemu-system-x86_64 is not installed (run conformance/setup-host.sh)';
  if (!existsSync(vmScript)) return `${vmScript} is missing`;
  return undefined;
}

/** The guest sees the host's tree: build the cached test-image parts here, at host speed, so the
 *  guest (no network, emulated CPU) only reads them. */
async function warmImageCache(): Promise<void> {
  busyboxBinary();
  for (const name of ['java', 'python', 'nginx'] as const) await buildProgramImage(name);
  await proberBinary();
}

/** The guest kernel's version from the older-kernel suite's diagnostic: it must predate 6.15. */
function assertOlderKernel(out: string): void {
  const [, major, minor] = /^\s*# kernel (\d+)\.(\d+)\./m.exec(out) ?? [];
  assert.ok(major, `the guest reported its kernel:\n${out}`);
  assert.ok(Number(major) < 6 || (Number(major) === 6 && Number(minor) < 15), `guest kernel ${major}.${minor}`);
}

/** The environment the guest command gets, minus the marker that makes node --test think it is nested. */
function guestEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  env.CORRAL_TEST_READY_MS = '300000'; // corrald starts ~50x slower under emulation
  env.CORRAL_TEST_RPC_MS = '600000'; // a pull or a JVM start can take minutes there on a loaded host
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
  test(
    'cgroup v2 driver, RPC, corrald and fidelity suites inside a pure-v2 QEMU guest',
    { skip, timeout: 30 * 60_000 },
    async (t) => {
      await warmImageCache();
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
          fidelitySuites,
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
      assertOlderKernel(out);
      assert.equal(count('fail'), 0, out);
      assert.ok(count('pass') >= 30, `too few guest tests passed:\n${out}`);
    },
  );
}
