import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { sdNotify } from './sd_notify';
import { NotifyReceiver } from './testing/notify_receiver';

test('sd_notify reaches a socket at a path and an abstract one; without NOTIFY_SOCKET it does nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-notify-'));
  const atPath = NotifyReceiver.bind(path.join(dir, 'notify'));
  const abstract = NotifyReceiver.bind(`@corral-notify-test-${process.pid}`);
  try {
    assert.equal(sdNotify('READY=1', atPath.path), true);
    assert.equal(await atPath.next(2000), 'READY=1');
    assert.equal(sdNotify('STOPPING=1', abstract.path), true);
    assert.equal(await abstract.next(2000), 'STOPPING=1');
    assert.equal(sdNotify('READY=1', undefined), false);
    assert.throws(() => sdNotify('READY=1', path.join(dir, 'nobody-listens')), /sendto.*ENOENT/);
  } finally {
    atPath.close();
    abstract.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
