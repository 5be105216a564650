// An image of 125 layers (Docker's limit) starts: the overlay's layer list no longer has to fit
// mount(2)'s one page of options. The container sees its bottom and top layers, and the top wins.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { busyboxLayers } from '../testimages/busybox_tree';
import { buildImage, pushImage, type TreeEntry } from '../testimages';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

const LAYERS = 125;
let world: LifecycleWorld;

before(async () => {
  world = await startWorld('layers');
});
after(async () => {
  await stopWorld(world);
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

test(`an image of ${LAYERS} layers starts and sees its bottom and top layers`, async () => {
  const { base, applets } = busyboxLayers();
  const extra = Array.from({ length: LAYERS - 2 }, (_, i) => numbered(i + 2));
  const image = await buildImage([base, applets, ...extra], { Cmd: ['sh'] });
  await pushImage(world.registry, image, 'corral-test/layers', String(LAYERS));
  const ref = `${world.registry.host}/corral-test/layers:${LAYERS}`;
  const client = world.daemon.client;
  await client.image('PullImage', { image: { image: ref }, auth: null });
  const pod = podConfig('layers');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const config = containerConfig(ref, 'many', ['sleep', '1000']);
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    const script = 'cat /which; ls /layers | wc -l; cat /layers/002 /layers/124; echo written > /new; cat /new';
    const r = await client.runtime('ExecSync', { container_id: id, cmd: ['sh', '-c', script], timeout: 10 });
    assert.equal(r.exit_code, 0, r.stderr.toString());
    // busybox (bottom: sh, cat, ls work), every numbered layer, the top one's /which, a writable upper.
    assert.deepEqual(r.stdout.toString().trim().split(/\s+/), ['124', String(LAYERS - 2), '002', '124', 'written']);
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
});
