// The systemd cgroup driver against a real systemd: boots the systemd guest (systemd-vm.sh) on
// cgroup v2 and on the legacy v1 layout and runs systemd_driver_guest.js in each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(__dirname, '../../..');
const vmScript = path.join(repoRoot, 'conformance/vm/systemd-vm.sh');
const guestSuite = path.join(__dirname, 'systemd_driver_guest.js');

function whyNoVm(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to boot the systemd guest';
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64 && test -x /lib/systemd/systemd'], {
    encoding: 'utf8',
  });
  if (qemu.status !== 0) return 'qemu or systemd is not installed (run conformance/setup-host.sh)';
  return undefined;
}

function guestEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  env.CORRAL_TEST_READY_MS = '300000';
  return env;
}

for (const layout of ['v2', 'v1'] as const) {
  test(
    `systemd cgroup driver in a systemd guest (cgroup ${layout})`,
    { skip: whyNoVm(), timeout: 20 * 60_000 },
    (t) => {
      const started = Date.now();
      const flags = layout === 'v1' ? ['--v1'] : [];
      const run = spawnSync(
        vmScript,
        [
          ...flags,
          '--timeout',
          '1000',
          '--',
          process.execPath,
          '--test',
          '--test-reporter=tap',
          '--test-force-exit',
          guestSuite,
        ],
        { cwd: repoRoot, env: guestEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const out = `${run.stdout}${run.stderr}`;
      const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
      if (run.status === 125) assert.fail(`the guest did not run the suite:\n${out}`);
      t.diagnostic(
        `systemd guest (${layout}): pass ${count('pass')}, fail ${count('fail')}, ${Math.round((Date.now() - started) / 1000)} s`,
      );
      assert.equal(run.status, 0, `guest suite failed:\n${out}`);
      assert.equal(count('fail'), 0, out);
      assert.ok(count('pass') >= 8, `too few guest tests passed:\n${out}`);
    },
  );
}
