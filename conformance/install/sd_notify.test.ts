// corrald under systemd's Type=notify: READY=1 once its socket answers, STOPPING=1 on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { NotifyReceiver } from '../../native/testing/notify_receiver';
import { canConnect, Corrald, corraldArgs } from '../harness/corrald';

test('corrald tells the service manager it is ready only when its socket answers, and when it stops', async () => {
  const dirs = Corrald.makeDirs();
  const receiver = NotifyReceiver.bind(path.join(dirs.base, 'notify'));
  const child = spawn(process.execPath, corraldArgs(dirs), {
    env: { ...process.env, NOTIFY_SOCKET: receiver.path },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    assert.equal(await receiver.next(30_000), 'READY=1');
    assert.equal(await canConnect(dirs.socket), true, 'the socket answers when READY=1 is sent');
    child.kill('SIGTERM');
    assert.equal(await receiver.next(10_000), 'STOPPING=1');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    receiver.close();
    await fs.rm(dirs.base, { recursive: true, force: true });
  }
});
