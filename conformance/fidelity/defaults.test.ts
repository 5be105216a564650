// Defaults for CRI fields left unset, as containerd gives them (NamespaceMode's zero value is POD).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { containerConfig, podConfig } from '../lifecycle/fixture';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import type { NetworkWorld } from '../network/world';

let world: NetworkWorld;

before(async () => {
  world = await acquireWorld('defaults');
});
after(async () => {
  await releaseWorld();
});

async function readlink(id: string, link: string): Promise<string> {
  const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd: ['readlink', link], timeout: 10 });
  return r.stdout.toString().trim();
}

test("containers without namespace options share the pod's pid namespace", async () => {
  const client = world.daemon.client;
  const pod = podConfig('defaults', { linux: {} });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      // The fixture adds kubelet's options; this config leaves them unset, as crictl does.
      const config = { ...containerConfig(world.images.busybox, name, ['sleep', '1000']), linux: {} };
      const { container_id: id } = await client.runtime('CreateContainer', {
        pod_sandbox_id: podId,
        config,
        sandbox_config: pod,
      });
      await client.runtime('StartContainer', { container_id: id });
      ids.push(id);
    }
    const [a, b] = await Promise.all(ids.map((id) => readlink(id, '/proc/self/ns/pid')));
    assert.match(a, /^pid:\[\d+\]$/);
    assert.equal(a, b, 'one pid namespace for the pod');
    // Its first process is the pod's infra, not the container's command.
    const r = await client.runtime('ExecSync', { container_id: ids[0], cmd: ['cat', '/proc/1/cmdline'], timeout: 10 });
    assert.doesNotMatch(r.stdout.toString(), /^sleep/);
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
});
