// deploy/corrald.service passes `systemd-analyze verify` (in a scratch root holding systemd's own
// units and a corrald executable) and carries the settings containerd's unit ships.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const UNIT = path.resolve(__dirname, '..', '..', '..', 'deploy', 'corrald.service');

/** systemd-analyze's complaints about `unitText` as /etc/systemd/system/corrald.service. */
async function verify(unitText: string): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-unit-'));
  try {
    await fs.mkdir(path.join(root, 'usr/lib/systemd'), { recursive: true });
    await fs.cp('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true });
    await fs.mkdir(path.join(root, 'usr/local/bin'), { recursive: true });
    await fs.writeFile(path.join(root, 'usr/local/bin/corrald'), '#!/bin/sh\n', { mode: 0o755 });
    await fs.mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/systemd/system/corrald.service'), unitText);
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/etc/systemd/system/corrald.service'], {
      encoding: 'utf8',
    });
    return `${r.status === 0 ? '' : `exit ${r.status}\n`}${r.stdout}${r.stderr}`.trim();
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

test('the corrald unit passes systemd-analyze verify, and a broken one does not', async () => {
  const unit = await fs.readFile(UNIT, 'utf8');
  assert.equal(await verify(unit), '');
  assert.match(await verify(unit.replace(/^Type=notify$/m, 'Type=notifyy')), /Failed to parse service type/);
  assert.match(
    await verify(unit.replace(/^ExecStart=\/usr\/local\/bin\/corrald/m, 'ExecStart=/usr/local/bin/nope')),
    /nope/,
  );
});

test('the corrald unit has the settings a container runtime needs', async () => {
  const settings = new Set((await fs.readFile(UNIT, 'utf8')).split('\n').map((line) => line.trim()));
  for (const line of [
    'Type=notify',
    'Delegate=yes',
    'KillMode=process',
    'TasksMax=infinity',
    'OOMScoreAdjust=-999',
    'LimitNOFILE=1048576',
    'ExecStart=/usr/local/bin/corrald --config /etc/corral/corral.toml',
  ])
    assert.ok(settings.has(line), `corrald.service has ${line}`);
});
