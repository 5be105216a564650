import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FailedPreconditionError } from '../errors';
import { CONTAINER_STATE_FILE, type ContainerProcessState, MONITOR_PROTOCOL, readState } from './bundle_state';

const ref = { pid: 1234, startTime: '99' };

async function withState(state: object, check: (bundle: string) => Promise<void>): Promise<void> {
  const bundle = mkdtempSync(path.join(os.tmpdir(), 'corral-bundle-'));
  try {
    await fs.writeFile(path.join(bundle, CONTAINER_STATE_FILE), JSON.stringify(state));
    await check(bundle);
  } finally {
    await fs.rm(bundle, { recursive: true, force: true });
  }
}

test('a state file from before the monitor protocol field is read as protocol 1', async () => {
  await withState({ version: 1, monitor: ref, init: ref, cgroupProcsFiles: [] }, async (bundle) => {
    const state = await readState<ContainerProcessState>(bundle, CONTAINER_STATE_FILE);
    assert.deepEqual(state?.init, ref);
  });
});

test('a newer monitor protocol or state layout is refused, naming the file, and left as it was', async () => {
  for (const [state, what] of [
    [{ version: 1, monitorProtocol: MONITOR_PROTOCOL + 1, monitor: ref, init: ref }, 'monitor protocol'],
    [{ version: 2, monitor: ref, init: ref }, 'state file version'],
  ] as const) {
    await withState(state, async (bundle) => {
      const file = path.join(bundle, CONTAINER_STATE_FILE);
      await assert.rejects(
        readState<ContainerProcessState>(bundle, CONTAINER_STATE_FILE),
        (err: Error) =>
          err instanceof FailedPreconditionError &&
          err.message.startsWith(`${file} has ${what}`) &&
          err.message.includes('newer corral'),
      );
      assert.equal(await fs.readFile(file, 'utf8'), JSON.stringify(state));
    });
  }
});
