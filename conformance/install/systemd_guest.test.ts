// corrald as the systemd unit deploy/install.sh installs, in a QEMU guest whose pid 1 is systemd
// (conformance/vm/systemd-vm.sh): ready through sd_notify, a container that outlives
// `systemctl restart` and `systemctl stop` with the same pid, corrald's log in the journal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildTestImages, writeOciLayout } from '../testimages';

const REPO = path.resolve(__dirname, '..', '..', '..');
const VM = path.join(REPO, 'conformance', 'vm', 'systemd-vm.sh');

function whyNoVm(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to boot the systemd guest';
  if (spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0)
    return 'qemu-system-x86_64 is not installed (run conformance/setup-host.sh)';
  if (!existsSync(VM)) return `${VM} is missing`;
  return undefined;
}

function values(out: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of out.matchAll(/^([A-Z_]+)=(.*)$/gm)) found.set(m[1], m[2]);
  return found;
}

test(
  'systemd guest: start, run a container, restart and stop keep it, logs in the journal',
  { skip: whyNoVm(), timeout: 30 * 60_000 },
  async (t) => {
    // /var/tmp: the guest sees the host's / except /tmp, which it replaces.
    const dir = await fs.mkdtemp('/var/tmp/corral-systemd-guest-');
    try {
      await writeOciLayout(path.join(dir, 'layout'), (await buildTestImages()).busybox, 'latest');
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const run = spawnSync(
        VM,
        [
          '--timeout',
          '1500',
          '--',
          'bash',
          path.join(REPO, 'conformance', 'install', 'systemd-guest.sh'),
          path.join(dir, 'layout'),
        ],
        { cwd: REPO, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      const out = `${run.stdout}${run.stderr}`;
      const got = values(out);
      t.diagnostic(
        out
          .split('\n')
          .filter((line) => /^[A-Z_]+=/.test(line))
          .join('\n'),
      );
      assert.equal(run.status, 0, `the guest stopped at ${got.get('STEP')}:\n${out}`);
      assert.equal(got.get('ACTIVE'), 'active');
      assert.equal(
        got.get('UNIT'),
        'notify yes infinity -999 process',
        'Type, Delegate, TasksMax, OOMScoreAdjust, KillMode',
      );
      const pid = got.get('PID');
      assert.match(pid ?? '', /^\d+$/);
      assert.equal(got.get('ANSWERS_AFTER_RESTART'), 'yes', 'ready when systemctl restart returns');
      assert.equal(got.get('NEW_MAIN_PID'), 'yes', 'restart ran a new corrald');
      assert.equal(got.get('AFTER_RESTART'), `CONTAINER_RUNNING ${pid}`);
      assert.equal(got.get('STOPPED'), 'inactive alive', 'systemctl stop leaves the container running');
      assert.equal(got.get('AFTER_STOP_START'), `CONTAINER_RUNNING ${pid}`);
      assert.equal(got.get('EXEC'), 'hi');
      assert.equal(got.get('LOGS'), 'up');
      assert.ok(Number(got.get('JOURNAL_READY')) >= 3, 'each start of corrald logged to the journal');
      assert.ok(Number(got.get('JOURNAL_STOPPING')) >= 2, 'each stop of corrald logged to the journal');
      assert.equal(got.get('PODS_LEFT'), '0');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
