// The Stream* list RPCs send exactly what their List twins return, then end.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

let world: LifecycleWorld;
let podId: string;

before(async () => {
  world = await startWorld('streams');
  const client = world.daemon.client;
  podId = (await client.runtime('RunPodSandbox', { config: podConfig('streams') })).pod_sandbox_id;
  const config = containerConfig(world.images.busybox, 'c', ['sleep', '1000']);
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: podConfig('streams'),
  });
  await client.runtime('StartContainer', { container_id: id });
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

function collect<T>(stream: ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const messages: T[] = [];
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id).sort();

test('StreamPodSandboxes and StreamContainers match the lists', async () => {
  const client = world.daemon.client;
  const pods = (await collect(client.runtimeStream('StreamPodSandboxes', { filter: null }))).flatMap(
    (m) => m.pod_sandboxes,
  );
  assert.deepEqual(ids(pods), ids((await client.runtime('ListPodSandbox', { filter: null })).items));
  assert.ok(pods.some((pod) => pod.id === podId));
  const containers = (
    await collect(client.runtimeStream('StreamContainers', { filter: { pod_sandbox_id: podId } }))
  ).flatMap((m) => m.containers);
  assert.equal(containers.length, 1);
  assert.deepEqual(
    ids(containers),
    ids((await client.runtime('ListContainers', { filter: { pod_sandbox_id: podId } })).containers),
  );
});

test('StreamContainerStats and StreamPodSandboxStats match the lists', async () => {
  const client = world.daemon.client;
  const stats = (await collect(client.runtimeStream('StreamContainerStats', { filter: null }))).flatMap(
    (m) => m.container_stats,
  );
  const listed = (await client.runtime('ListContainerStats', { filter: null })).stats;
  assert.deepEqual(stats.map((s) => s.attributes!.id).sort(), listed.map((s) => s.attributes!.id).sort());
  const podStats = (await collect(client.runtimeStream('StreamPodSandboxStats', { filter: null }))).flatMap(
    (m) => m.pod_sandbox_stats,
  );
  assert.ok(podStats.some((s) => s.attributes!.id === podId));
});
