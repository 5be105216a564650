// /dev in a user-namespaced pod as runc shows it when it mounts from inside the namespace: /dev,
// /dev/pts (and its ptmx) and the pod's /dev/shm belong to the container's root, not to the
// unmapped host root ("nobody"), and new ptys get the container's tty group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { containerConfig } from '../lifecycle/fixture';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import type { NetworkWorld } from '../network/world';
import { execOk, removePod, runPod, startContainer } from '../testing/pods';

const MAPPING = [{ container_id: 0, host_id: 200000, length: 65536 }];
let world: NetworkWorld;

before(async () => {
  world = await acquireWorld('userns-dev');
});
after(async () => {
  await releaseWorld();
});

test("a user-namespaced pod's /dev, /dev/pts and /dev/shm belong to the container's root", async () => {
  const client = world.daemon.client;
  const userns = { mode: 'POD' as const, uids: MAPPING, gids: MAPPING };
  const namespace_options = {
    network: 'POD' as const,
    pid: 'CONTAINER' as const,
    ipc: 'POD' as const,
    userns_options: userns,
  };
  const pod = await runPod(client, 'userns-dev', { linux: { security_context: { namespace_options } } });
  try {
    const config = containerConfig(world.images.busybox, 'dev', ['sleep', '1000'], {
      linux: { security_context: { namespace_options } },
    });
    const id = await startContainer(client, pod, config);
    const { stdout } = await execOk(client, id, [
      'stat',
      '-c',
      '%n %u:%g',
      '/dev',
      '/dev/pts',
      '/dev/pts/ptmx',
      '/dev/shm',
    ]);
    assert.equal(stdout, '/dev 0:0\n/dev/pts 0:0\n/dev/pts/ptmx 0:0\n/dev/shm 0:0\n');
    // devpts reads gid= in the mounter's namespace: the host id of the container's tty group (5).
    const mountinfo = (await execOk(client, id, ['cat', '/proc/self/mountinfo'])).stdout;
    assert.match(mountinfo, / \/dev\/pts .* devpts devpts \S*gid=200005/);
  } finally {
    await removePod(client, pod.id);
  }
});
