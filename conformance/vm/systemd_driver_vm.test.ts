// The systemd cgroup driver against a real systemd: boots the systemd guest (systemd-vm.sh) on
// cgroup v2 and on the legacy v1 layout, side by side to keep CI's wall time to one boot, and
// runs systemd_driver_guest.js in each.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(__dirname, '../../..');
const vmScript = path.join(repoRoot, 'conformance/vm/systemd-vm.sh');
const guestSuite = path.join(__dirname, 'systemd_driver_guest.js');
const LAYOUTS = ['v2', 'v1'] as const;

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

/** One guest run: its exit status, output and wall time. */
function runGuest(layout: (typeof LAYOUTS)[number]): Promise<{ status: number | null; out: string; seconds: number }> {
  const started = Date.now();
  const flags = layout === 'v1' ? ['--v1'] : [];
  const args = [...flags, '--timeout', '1500', '--', process.execPath, '--test', '--test-reporter=tap'];
  const child = spawn(vmScript, [...args, '--test-force-exit', guestSuite], {
    cwd: repoRoot,
    env: guestEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (status) => resolve({ status, out, seconds: Math.round((Date.now() - started) / 1000) })),
  );
}

test(
  'systemd cgroup driver in systemd guests (cgroup v2 and v1)',
  { skip: whyNoVm(), timeout: 30 * 60_000 },
  async (t) => {
    const runs = await Promise.all(LAYOUTS.map(runGuest));
    runs.forEach((run, i) => {
      const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(run.out)?.[1] ?? NaN);
      const layout = LAYOUTS[i];
      t.diagnostic(`systemd guest (${layout}): pass ${count('pass')}, fail ${count('fail')}, ${run.seconds} s`);
      if (run.status === 125) assert.fail(`the ${layout} guest did not run the suite:\n${run.out}`);
      assert.equal(run.status, 0, `${layout} guest suite failed:\n${run.out}`);
      assert.equal(count('fail'), 0, run.out);
      assert.ok(count('pass') >= 8, `too few ${layout} guest tests passed:\n${run.out}`);
    });
  },
);
