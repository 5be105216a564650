// Every pod's pause, the first one a corrald starts and one in a pod's own user namespace too,
// joins the one empty read-only-root mount namespace corrald made once (corral-helper
// empty-root): none ever copies the host's mount table (a copy costs in proportion to the host's
// mounts, thousands on a busy node, and would hold the host's tree until it is detached).
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';
import { removePod, runPod } from '../testing/pods';

const MAPPING = [{ container_id: 0, host_id: 200000, length: 65536 }];
let world: LifecycleWorld;

before(async () => {
  world = await startWorld('pause-mnt');
});
after(async () => {
  await stopWorld(world);
});

async function pausePid(podId: string): Promise<number> {
  const status = await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: true });
  return (JSON.parse(status.info.info) as { pid: number }).pid;
}

test("every pause, the first one and a user-namespaced pod's, is in the one empty-root mount namespace", async () => {
  const client = world.daemon.client;
  const userns = { mode: 'POD', uids: MAPPING, gids: MAPPING };
  const options = { network: 'POD', pid: 'POD', ipc: 'POD' };
  const pods = [
    await runPod(client, 'first'),
    await runPod(client, 'second'),
    await runPod(client, 'userns', {
      linux: { security_context: { namespace_options: { ...options, userns_options: userns } } },
    }),
  ];
  try {
    const pids = await Promise.all(pods.map((pod) => pausePid(pod.id)));
    const namespaces = pids.map((pid) => readlinkSync(`/proc/${pid}/ns/mnt`));
    assert.deepEqual(
      namespaces,
      [namespaces[0], namespaces[0], namespaces[0]],
      `first, second, userns: ${namespaces.join(' ')}`,
    );
    for (const pid of pids) {
      const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').trim().split('\n');
      assert.equal(mounts.length, 1, `pause ${pid} sees only its empty root: ${mounts.join('\n')}`);
      assert.match(mounts[0], / \/ \/ ro,.* - tmpfs /);
    }
  } finally {
    for (const pod of pods) await removePod(client, pod.id);
  }
});
