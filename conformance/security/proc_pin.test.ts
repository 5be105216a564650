// The pod's proc pin: a proc instance of the pod's pid namespace, mounted on the host (under the
// pod's 0700 directory) when the pod is made, so that a container joining that namespace gets its
// /proc from outside it on every kernel (before Linux 6.15 nothing else can mount it from outside).
// Every container of the pod shows that instance at /proc, also one created after a corrald crash;
// the pin is gone once the pod is removed, after a crash too.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  mountsUnder,
  restart,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';
import { whyNoIdmappedRoots } from '../testing/idmap_support';
import { execOk, removePod, runPod, startContainer, type RunningPod } from '../testing/pods';

const MAPPING = [{ container_id: 0, host_id: 200000, length: 65536 }];
let world: LifecycleWorld;

before(async () => {
  world = await startWorld('proc-pin');
});
after(async () => {
  await stopWorld(world);
});

/** The pod's proc pin in the host's mount table: its mount point and mount options. */
function procPins(podId: string): Array<{ path: string; options: string; fstype: string }> {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => (f[4] ?? '').includes(podId) && f[4].endsWith('/ns/proc'))
    .map((f) => ({ path: f[4], options: f[5], fstype: f[f.indexOf('-') + 1] }));
}

function namespaceOptions(userns = false): Record<string, unknown> {
  const options = { network: 'POD', pid: 'POD', ipc: 'POD' };
  return userns ? { ...options, userns_options: { mode: 'POD', uids: MAPPING, gids: MAPPING } } : options;
}

async function sharedPidPod(name: string, userns = false): Promise<RunningPod> {
  return runPod(world.daemon.client, name, {
    linux: { security_context: { namespace_options: namespaceOptions(userns) } },
  });
}

/** Starts a container in the pod and checks that its /proc is the pin and shows the pod's pause. */
async function assertProcIsThePin(pod: RunningPod, name: string, userns = false): Promise<void> {
  const [pin] = procPins(pod.id);
  assert.ok(pin, `the pod's /proc is pinned: ${mountsUnder(world.daemon.dirs.base).join(' ')}`);
  const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], {
    linux: { security_context: { namespace_options: namespaceOptions(userns) } },
  });
  const id = await startContainer(world.daemon.client, pod, config);
  const client = world.daemon.client;
  const device = (await execOk(client, id, ['stat', '-c', '%d', '/proc'])).stdout.trim();
  assert.equal(Number(device), statSync(pin.path).dev, "the container's /proc is the pinned instance");
  assert.match((await execOk(client, id, ['cat', '/proc/1/cmdline'])).stdout, /^corral-pause/, 'pid 1 is the pause');
}

test('a pod sharing its pid namespace pins its /proc (nosuid,nodev,noexec); containers show it; removal unmounts it', async () => {
  const pod = await sharedPidPod('pinned');
  try {
    const pins = procPins(pod.id);
    assert.equal(pins.length, 1, JSON.stringify(pins));
    assert.equal(pins[0].fstype, 'proc');
    for (const flag of ['nosuid', 'nodev', 'noexec']) assert.ok(pins[0].options.split(',').includes(flag), flag);
    await assertProcIsThePin(pod, 'first');
    await assertProcIsThePin(pod, 'second');
  } finally {
    await removePod(world.daemon.client, pod.id);
  }
  assert.deepEqual(procPins(pod.id), [], 'RemovePodSandbox unmounted the pin');
});

test('a user-namespaced pod pins its /proc too', { skip: whyNoIdmappedRoots() }, async () => {
  const pod = await sharedPidPod('pinned-userns', true);
  try {
    await assertProcIsThePin(pod, 'userns', true);
  } finally {
    await removePod(world.daemon.client, pod.id);
  }
  assert.deepEqual(procPins(pod.id), []);
});

test('after kill -9 and a restart, a new container gets the pinned /proc and removal unmounts the pin', async () => {
  const pod = await sharedPidPod('pinned-crash');
  const dirs = world.daemon.dirs;
  try {
    await world.daemon.kill9();
    await restart(world, dirs);
    await assertProcIsThePin(pod, 'after-restart');
    await world.daemon.kill9();
    await restart(world, dirs);
  } finally {
    await removePod(world.daemon.client, pod.id);
  }
  assert.deepEqual(procPins(pod.id), [], 'RemovePodSandbox after a crash unmounted the pin');
  assert.deepEqual(mountsUnder(dirs.base), []);
});
