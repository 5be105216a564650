// Each container has its own session keyring, as under runc: "_ses.<container id>", made by the
// init and joined by exec'd processes, instead of the keyring of the process that started them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { containerConfig } from '../lifecycle/fixture';
import type { NetworkWorld } from '../network/world';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import { execOk, removePod, runPod, startContainer } from '../testing/pods';

let world: NetworkWorld;

before(async () => {
  world = await acquireWorld('keyring');
});
after(async () => {
  await releaseWorld();
});

/** The serials of the keyrings named `name` in /proc/keys output ("<serial> <flags> <usage> <expiry>
 *  <perm> <uid> <gid> keyring <name>: <summary>"). */
function keyrings(procKeys: string, name: string): string[] {
  return procKeys
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[7] === 'keyring' && fields[8] === `${name}:`)
    .map((fields) => fields[0]);
}

test('a container and its execs share a session keyring of their own, also as a non-root user', async () => {
  const client = world.daemon.client;
  const pod = await runPod(client, 'keyring');
  try {
    const config = containerConfig(
      world.images.busybox,
      'keys',
      ['sh', '-c', 'cat /proc/keys > /tmp/init-keys; exec sleep 1000'],
      {
        linux: { security_context: { run_as_user: { value: '1000' } } },
      },
    );
    const id = await startContainer(client, pod, config);
    const name = `_ses.${id}`;
    let init: string[] = [];
    for (let i = 0; i < 100 && init.length === 0; i++) {
      const r = await client.runtime('ExecSync', { container_id: id, cmd: ['cat', '/tmp/init-keys'], timeout: 10 });
      init = keyrings(r.stdout.toString(), name);
      if (init.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(init.length, 1, `the init's /proc/keys shows ${name}`);
    const exec = keyrings((await execOk(client, id, ['cat', '/proc/keys'])).stdout, name);
    assert.deepEqual(exec, init, 'an exec joins the same keyring');
  } finally {
    await removePod(client, pod.id);
  }
});
