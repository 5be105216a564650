// An image of 125 layers (Docker's limit) starts: the overlay's layer list no longer has to fit
// mount(2)'s one page of options. The container sees its bottom and top layers, and the top wins.
// The same for a pod with its own user namespace, whose rootfs is rebuilt from idmapped layers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { busyboxLayers } from '../testimages/busybox_tree';
import { buildImage, pushImage, type TreeEntry } from '../testimages';
import { containerConfig, podConfig } from '../lifecycle/fixture';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import type { NetworkWorld } from '../network/world';

const LAYERS = 125;
let world: NetworkWorld;
let ref: string;

before(async () => {
  world = await acquireWorld('layers');
  const { base, applets } = busyboxLayers();
  const extra = Array.from({ length: LAYERS - 2 }, (_, i) => numbered(i + 2));
  const image = await buildImage([base, applets, ...extra], { Cmd: ['sh'] });
  await pushImage(world.registry, image, 'corral-test/layers', String(LAYERS));
  ref = `${world.registry.host}/corral-test/layers:${LAYERS}`;
  await world.daemon.client.image('PullImage', { image: { image: ref }, auth: null });
});
after(async () => {
  await releaseWorld();
});

/** Layer i (counting busybox's two) adds /layers/<i> and rewrites /which. */
function numbered(i: number): TreeEntry[] {
  const name = String(i).padStart(3, '0');
  return [
    { type: 'dir', path: 'layers' },
    { type: 'file', path: `layers/${name}`, content: `${name}\n` },
    { type: 'file', path: 'which', content: `${name}\n` },
  ];
}

const MAPPING = [{ container_id: 0, host_id: 200000, length: 65536 }];
const USERNS = { mode: 'POD' as const, uids: MAPPING, gids: MAPPING };

async function checkLayers(name: string, userns: boolean): Promise<void> {
  const client = world.daemon.client;
  const pod = podConfig(name);
  if (userns) pod.linux!.security_context!.namespace_options!.userns_options = USERNS;
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const config = containerConfig(ref, 'many', ['sleep', '1000']);
    if (userns) config.linux!.security_context!.namespace_options!.userns_options = USERNS;
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    const script =
      'cat /which; ls /layers | wc -l; cat /layers/002 /layers/124; echo written > /new; cat /new; stat -c %u /layers/124';
    const r = await client.runtime('ExecSync', { container_id: id, cmd: ['sh', '-c', script], timeout: 10 });
    assert.equal(r.exit_code, 0, r.stderr.toString());
    // busybox (bottom: sh, cat, ls work), every numbered layer, the top one's /which, a writable
    // upper, and (idmapped when in a user namespace) files owned by the container's root.
    assert.deepEqual(r.stdout.toString().trim().split(/\s+/), [
      '124',
      String(LAYERS - 2),
      '002',
      '124',
      'written',
      '0',
    ]);
    if (userns) {
      const map = await client.runtime('ExecSync', {
        container_id: id,
        cmd: ['cat', '/proc/self/uid_map'],
        timeout: 10,
      });
      assert.match(map.stdout.toString(), /^\s+0\s+200000\s+65536\s*$/, 'in the pod user namespace');
    }
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
}

test(`an image of ${LAYERS} layers starts and sees its bottom and top layers`, async () => {
  await checkLayers('layers', false);
});

test(`an image of ${LAYERS} layers starts in a user-namespaced pod (idmapped layers)`, async () => {
  await checkLayers('layers-userns', true);
});
