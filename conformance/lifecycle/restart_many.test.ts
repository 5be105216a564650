// kill -9 corrald with more pods and containers than one recovery batch (32): after the restart
// every pod and container is there, exits while it was down and a pod whose infra died are
// recorded, and every running container's exit is still watched.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  eventually,
  mountsUnder,
  podConfig,
  restart,
  startWorld,
  stopWorld,
  untilGone,
  type LifecycleWorld,
} from './fixture';

const PODS = 40;
const EXIT_CODE = 3;

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('restart-many');
});
after(async () => {
  await stopWorld(world);
});

async function pidOf(info: { info: Record<string, string> }): Promise<number> {
  return (JSON.parse(info.info.info) as { pid: number }).pid;
}

test(`${PODS} pods survive a corrald crash: all recovered, exits and a dead infra recorded, exits still watched`, async () => {
  const client = world.daemon.client;
  const signals = path.join(world.daemon.dirs.base, 'signal');
  await fs.mkdir(signals);
  const pods: Array<{ podId: string; containerId: string; initPid: number; infraPid: number }> = [];
  for (let i = 0; i < PODS; i++) {
    const pod = podConfig(`many-${i}`);
    const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
    const config = containerConfig(
      world.images.busybox,
      `waiter-${i}`,
      ['sh', '-c', `while [ ! -e /signal/${i} ]; do sleep 0.1; done; exit ${EXIT_CODE}`],
      { mounts: [{ container_path: '/signal', host_path: signals }] },
    );
    const { container_id: containerId } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: containerId });
    const initPid = await pidOf(await client.runtime('ContainerStatus', { container_id: containerId, verbose: true }));
    const infraPid = await pidOf(await client.runtime('PodSandboxStatus', { pod_sandbox_id: podId, verbose: true }));
    pods.push({ podId, containerId, initPid, infraPid });
  }

  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  // While corrald is down: every third container exits, and the last pod's infra is killed.
  for (let i = 0; i < PODS; i += 3) await fs.writeFile(path.join(signals, String(i)), '');
  for (let i = 0; i < PODS; i += 3) await untilGone(pods[i].initPid);
  const lostPod = pods[PODS - 1];
  process.kill(lostPod.infraPid, 'SIGKILL');
  await untilGone(lostPod.infraPid);
  await restart(world, dirs);

  const again = world.daemon.client;
  const listedPods = (await again.runtime('ListPodSandbox', {})).items;
  assert.equal(listedPods.length, PODS);
  for (const pod of listedPods) {
    assert.equal(pod.state, pod.id === lostPod.podId ? 'SANDBOX_NOTREADY' : 'SANDBOX_READY', pod.metadata!.name);
  }
  const containers = new Map((await again.runtime('ListContainers', {})).containers.map((c) => [c.id, c]));
  assert.equal(containers.size, PODS);
  for (const [i, pod] of pods.entries()) {
    const status = (await again.runtime('ContainerStatus', { container_id: pod.containerId, verbose: false })).status!;
    if (i % 3 === 0) {
      assert.equal(status.state, 'CONTAINER_EXITED', `waiter-${i} exited while corrald was down`);
      assert.equal(status.exit_code, EXIT_CODE);
    } else {
      assert.equal(status.state, 'CONTAINER_RUNNING', `waiter-${i}`);
    }
  }

  // The rest exit now: each exit is seen by its watcher, started after the restart.
  for (let i = 0; i < PODS; i++) if (i % 3 !== 0) await fs.writeFile(path.join(signals, String(i)), '');
  await eventually('every container recorded as exited', async () => {
    const listed = (await again.runtime('ListContainers', {})).containers;
    return listed.every((c) => c.state === 'CONTAINER_EXITED');
  });
  for (const pod of pods) {
    const status = (await again.runtime('ContainerStatus', { container_id: pod.containerId, verbose: false })).status!;
    assert.equal(status.exit_code, EXIT_CODE);
  }

  for (const pod of pods) await again.runtime('RemovePodSandbox', { pod_sandbox_id: pod.podId });
  for (const pod of pods) await untilGone(pod.infraPid);
  assert.deepEqual((await again.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});
