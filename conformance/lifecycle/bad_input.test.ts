// What a client gets for bad input: typed gRPC codes, and nothing half-made left behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  grpcCode,
  mountsUnder,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from './fixture';

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('bad');
});
after(async () => {
  await stopWorld(world);
});

const UNKNOWN = 'f'.repeat(64);

test('stop and remove of unknown pods and containers succeed; other verbs say NOT_FOUND', async () => {
  const client = world.daemon.client;
  assert.equal(await grpcCode(client.runtime('StopContainer', { container_id: UNKNOWN, timeout: 1 })), 'OK');
  assert.equal(await grpcCode(client.runtime('RemoveContainer', { container_id: UNKNOWN })), 'OK');
  assert.equal(await grpcCode(client.runtime('StopPodSandbox', { pod_sandbox_id: UNKNOWN })), 'OK');
  assert.equal(await grpcCode(client.runtime('RemovePodSandbox', { pod_sandbox_id: UNKNOWN })), 'OK');
  assert.equal(await grpcCode(client.runtime('ContainerStatus', { container_id: UNKNOWN })), 'NOT_FOUND');
  assert.equal(await grpcCode(client.runtime('StartContainer', { container_id: UNKNOWN })), 'NOT_FOUND');
  assert.equal(await grpcCode(client.runtime('ExecSync', { container_id: UNKNOWN, cmd: ['true'] })), 'NOT_FOUND');
  assert.equal(await grpcCode(client.runtime('PodSandboxStatus', { pod_sandbox_id: UNKNOWN })), 'NOT_FOUND');
  const config = containerConfig(world.images.busybox, 'x', ['true']);
  assert.equal(await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: UNKNOWN, config })), 'NOT_FOUND');
});

test('duplicates, stopped pods, missing images and bad mounts are refused and leave nothing', async () => {
  const client = world.daemon.client;
  const pod = podConfig('bad');
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  assert.equal(await grpcCode(client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })), 'ALREADY_EXISTS');
  const ok = containerConfig(world.images.busybox, 'one', ['sleep', '100']);
  await client.runtime('CreateContainer', { pod_sandbox_id: podId, config: ok, sandbox_config: pod });
  assert.equal(
    await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config: ok, sandbox_config: pod })),
    'ALREADY_EXISTS',
  );

  const noImage = containerConfig('127.0.0.1:1/not/there:latest', 'two', ['true']);
  assert.equal(
    await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config: noImage, sandbox_config: pod })),
    'NOT_FOUND',
  );
  const relative = containerConfig(world.images.busybox, 'three', ['true'], {
    mounts: [{ container_path: 'data', host_path: '/tmp' }],
  });
  assert.equal(
    await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config: relative, sandbox_config: pod })),
    'INVALID_ARGUMENT',
  );
  const noUser = containerConfig(world.images.busybox, 'four', ['true'], {
    linux: { security_context: { run_as_username: 'ghost' } },
  });
  assert.equal(
    await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config: noUser, sandbox_config: pod })),
    'INVALID_ARGUMENT',
  );
  assert.equal((await client.runtime('ListContainers', {})).containers.length, 1, 'failed creates left nothing');

  // A start that fails (no such binary) is recorded as exited.
  const missing = containerConfig(world.images.busybox, 'five', ['/no/such/binary']);
  const { container_id: broken } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config: missing,
    sandbox_config: pod,
  });
  await grpcCode(client.runtime('StartContainer', { container_id: broken }));
  const brokenStatus = (await client.runtime('ContainerStatus', { container_id: broken })).status!;
  assert.equal(brokenStatus.state, 'CONTAINER_EXITED');
  assert.notEqual(brokenStatus.exit_code, 0);

  await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
  const late = containerConfig(world.images.busybox, 'late', ['true']);
  assert.equal(
    await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config: late, sandbox_config: pod })),
    'FAILED_PRECONDITION',
  );
  assert.equal(
    await grpcCode(client.runtime('RunPodSandbox', { config: { metadata: { name: '' } }, runtime_handler: '' })),
    'INVALID_ARGUMENT',
  );
  await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});
