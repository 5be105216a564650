// corralctl checkconfig as root and as an unprivileged user (runuser -u nobody): the latter says
// which checks only root can make instead of reporting the kernel's features missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseProbeLine } from '../../runtime/host_check/kernel_probe';

const CORRALCTL = path.resolve(__dirname, '..', 'main.js');

interface Report {
  usable: boolean | null;
  unseen: string[];
  checks: { group: string; name: string; ok: boolean; unseen?: boolean }[];
}

function checkconfig(asNobody: boolean, ...args: string[]): { code: number | null; out: string } {
  const argv = [process.execPath, CORRALCTL, 'checkconfig', ...args];
  const r = asNobody
    ? spawnSync('runuser', ['-u', 'nobody', '--', ...argv], { encoding: 'utf8' })
    : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('as nobody, checkconfig names what only root can check and does not fail on it', () => {
  const root = JSON.parse(checkconfig(false, '-o', 'json').out) as Report;
  assert.equal(root.usable, true, 'this host runs corral');
  assert.deepEqual(root.unseen, []);

  const json = checkconfig(true, '-o', 'json');
  assert.equal(json.code, 0, json.out);
  const nobody = JSON.parse(json.out) as Report;
  assert.equal(nobody.usable, null, 'only root can tell');
  assert.ok(nobody.unseen.includes('namespaces.mount'), nobody.unseen.join());
  assert.ok(nobody.unseen.includes('filesystems.overlayfs'), nobody.unseen.join());
  assert.deepEqual(
    nobody.checks.filter((c) => !c.ok && !c.unseen).map((c) => c.name),
    root.checks.filter((c) => !c.ok).map((c) => c.name),
    'what nobody sees missing, root sees missing too',
  );

  const text = checkconfig(true);
  assert.equal(text.code, 0);
  assert.match(text.out, /^namespaces\s+mount\s+unseen\s+yes\s+needs root to check$/m);
  assert.match(text.out, /only root can check mount, uts, ipc, pid, network, pivot_root, overlayfs/);
});

test('a refusal is unseen only for a user other than root', () => {
  assert.equal(parseProbeLine('namespace.pid missing Operation not permitted', false).unseen, true);
  const asRoot = parseProbeLine('namespace.pid missing Operation not permitted', true);
  assert.equal(asRoot.unseen, undefined);
  assert.equal(asRoot.detail, 'Operation not permitted');
  assert.equal(parseProbeLine('pidfd missing Function not implemented', false).unseen, undefined);
});
