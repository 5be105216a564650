// An image is hostile: a FIFO or a device where /etc/passwd or /etc/group should be must not
// hang CreateContainer, block libuv's thread pool (so every other RPC times out) or make corrald
// read without end. Each such create fails at once with FAILED_PRECONDITION and leaves nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { CriClient } from '../../cli/cri_client';
import { busyboxLayers } from '../testimages/busybox_tree';
import { buildImage, pushImage } from '../testimages';
import type { TreeEntry } from '../testimages';
import { containerConfig, grpcCode, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

let world: LifecycleWorld;
let hostile: CriClient;
const refs: Record<string, string> = {};

/** Images whose `file` is replaced by a node of `kind`. */
const HOSTILE: Record<string, TreeEntry> = {
  'passwd-fifo': { type: 'node', path: 'etc/passwd', kind: 'fifo', major: 0, minor: 0, mode: 0o644 },
  'group-fifo': { type: 'node', path: 'etc/group', kind: 'fifo', major: 0, minor: 0, mode: 0o644 },
  'passwd-zero': { type: 'node', path: 'etc/passwd', kind: 'character-device', major: 1, minor: 5, mode: 0o644 },
};

before(async () => {
  world = await startWorld('imagefiles');
  const { base, applets } = busyboxLayers();
  for (const [name, entry] of Object.entries(HOSTILE)) {
    const image = await buildImage([base, applets, [{ type: 'dir', path: 'etc' }, entry]], { Cmd: ['sh'] });
    await pushImage(world.registry, image, `corral-test/${name}`, 'latest');
    refs[name] = `${world.registry.host}/corral-test/${name}:latest`;
    await world.daemon.client.image('PullImage', { image: { image: refs[name] }, auth: null });
  }
  // A short deadline: on a corral that hangs, the calls fail as DEADLINE_EXCEEDED instead of never.
  hostile = new CriClient(world.daemon.client.endpoint, 5_000);
});
after(async () => {
  hostile?.close();
  await stopWorld(world);
});

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

async function timed(call: Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = performance.now();
  const code = await grpcCode(call);
  return { code, ms: performance.now() - started };
}

test('a FIFO or a device at /etc/passwd or /etc/group fails CreateContainer at once; other RPCs keep answering', async (t) => {
  const client = world.daemon.client;
  const pod = podConfig('imagefiles');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const create = (image: string, name: string) =>
      timed(
        hostile.runtime('CreateContainer', {
          pod_sandbox_id: podId,
          config: containerConfig(image, name, ['true'], {
            linux: { security_context: { run_as_username: 'nobody' } },
          }),
          sandbox_config: pod,
        }),
      );
    const rssBefore = rssMiB(world.daemon.pid);
    // More hostile creates at once than libuv has threads, while a plain RPC is asked too.
    const creates = [
      create(refs['passwd-fifo'], 'fifo-1'),
      create(refs['passwd-fifo'], 'fifo-2'),
      create(refs['passwd-fifo'], 'fifo-3'),
      create(refs['group-fifo'], 'fifo-4'),
      create(refs['passwd-zero'], 'zero'),
    ];
    const others = [timed(hostile.runtime('Version', {})), timed(hostile.image('ImageFsInfo', {}))];
    const results = await Promise.all(creates);
    t.diagnostic(`create answers (ms): ${results.map((r) => `${r.code} ${Math.round(r.ms)}`).join(', ')}`);
    for (const result of results) {
      assert.equal(result.code, 'FAILED_PRECONDITION');
      assert.ok(result.ms < 1000, `answered in ${result.ms} ms`);
    }
    for (const result of await Promise.all(others)) assert.equal(result.code, 'OK');
    t.diagnostic(`corrald RSS ${rssBefore} MiB before, ${rssMiB(world.daemon.pid)} MiB after`);
    assert.equal((await client.runtime('ListContainers', {})).containers.length, 0, 'nothing was made');
    // And the daemon still makes containers from a sane image.
    const ok = containerConfig(world.images.busybox, 'sane', ['true']);
    await client.runtime('CreateContainer', { pod_sandbox_id: podId, config: ok, sandbox_config: pod });
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
});
