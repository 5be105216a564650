// The CRI log is kubelet's file: the monitor never writes through a symlink put in its place
// (opened O_NOFOLLOW at create and at every reopen), and a log_path or log_directory that would
// leave the pod's log directory is refused before anything is made.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  containerConfig,
  eventually,
  grpcCode,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';

let world: LifecycleWorld;
let logs: string;

before(async () => {
  world = await startWorld('containerlog');
  logs = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-e2e-logs-'));
});
after(async () => {
  await stopWorld(world);
  if (logs) await fs.rm(logs, { recursive: true, force: true });
});

test('a symlink put at the log path is not followed, at reopen or at create', async () => {
  const client = world.daemon.client;
  const pod = podConfig('containerlog', { log_directory: path.join(logs, 'pod') });
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const victim = path.join(logs, 'victim');
    await fs.writeFile(victim, '');
    const ticking = containerConfig(
      world.images.busybox,
      'ticker',
      ['sh', '-c', 'while true; do echo tick; sleep 0.05; done'],
      {
        log_path: 'ticker/0.log',
      },
    );
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config: ticking,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    const logFile = path.join(logs, 'pod', 'ticker', '0.log');
    await eventually('the container logs', async () => (await fs.readFile(logFile, 'utf8')).includes('tick'));

    // Rotation as kubelet does it, except that a symlink to another file took the log's place.
    await fs.rename(logFile, `${logFile}.1`);
    await fs.symlink(victim, logFile);
    assert.equal(await grpcCode(client.runtime('ReopenContainerLog', { container_id: id })), 'FAILED_PRECONDITION');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await fs.readFile(victim, 'utf8'), '', 'nothing was written through the symlink');

    // A container whose log path is already a symlink never runs. The monitor opens the log
    // after CreateContainer's reply (docs/lifecycle.md), so the refusal is StartContainer's.
    await fs.mkdir(path.join(logs, 'pod', 'other'));
    await fs.symlink(victim, path.join(logs, 'pod', 'other', '0.log'));
    const other = containerConfig(world.images.busybox, 'other', ['echo', 'hello'], { log_path: 'other/0.log' });
    const created = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config: other,
      sandbox_config: pod,
    });
    assert.notEqual(await grpcCode(client.runtime('StartContainer', { container_id: created.container_id })), 'OK');
    const { status } = await client.runtime('ContainerStatus', { container_id: created.container_id });
    assert.equal(status?.state, 'CONTAINER_EXITED');
    assert.equal(status?.reason, 'StartError');
    assert.equal(await fs.readFile(victim, 'utf8'), '');
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
});
