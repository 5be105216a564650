// A streaming client that sends pings and never reads the answers (issue 19, item 3), against a
// real corrald and a busybox pod. Over SPDY corrald stops reading once its answers pile up and
// closes the session when the client takes none of them for the write-stall timeout; over
// WebSocket ws cuts off a peer with too many pongs unsent. corrald's RSS stays within +64 MiB and
// other CRI calls keep answering.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { Collector } from '../../server/streaming/testing/fixture';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';
import { MiB, watchDaemon, type WatchReport } from './testing/watch';

const FLOODER = path.join(__dirname, 'testing', 'ping_flooder.js');
const WRITE_STALL_S = 3;
const FLOOD_BYTES = 48 * MiB;
const FLOOD_SECONDS = 20;

let world: LifecycleWorld;
let podId: string;
let containerId: string;

before(async () => {
  world = await startWorld('limits-ping', `[streaming]\nwrite_stall_timeout_seconds = ${WRITE_STALL_S}\n`);
  const pod = podConfig('limits-ping');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  const config = containerConfig(world.images.busybox, 'app', ['sleep', '1000']);
  containerId = (
    await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
  ).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: containerId });
  await stillServes(); // warm up, so the baseline includes what any session loads
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

async function execUrl(cmd: string[]): Promise<string> {
  const r = await world.daemon.client.runtime('Exec', {
    container_id: containerId,
    cmd,
    stdin: false,
    stdout: true,
    stderr: false,
    tty: false,
  });
  return r.url;
}

async function stillServes(): Promise<void> {
  const stdout = new Collector();
  const result = await runRemoteCommand(await execUrl(['echo', 'alive']), { stdout, tty: false });
  assert.equal(result.exitCode, 0);
  assert.equal(stdout.text, 'alive\n');
}

interface FloodResult {
  sent: number;
  ms: number;
  closedAfterMs: number | null;
}

async function flood(mode: 'spdy' | 'ws'): Promise<{ result: FloodResult; watch: WatchReport }> {
  const url = await execUrl(['sleep', '30']);
  const watch = watchDaemon(world.daemon.pid, world.daemon.dirs.socket);
  const args = [FLOODER, mode, url, String(FLOOD_BYTES), String(FLOOD_SECONDS)];
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return { result: JSON.parse(stdout) as FloodResult, watch: await watch.stop() };
}

function describe(mode: string, { result, watch }: Awaited<ReturnType<typeof flood>>): string {
  return (
    `${mode} ping flood: sent ${(result.sent / MiB).toFixed(1)} MiB in ${result.ms} ms, ` +
    `closed by corrald after ${result.closedAfterMs ?? 'never'} ms; corrald RSS base ` +
    `${(watch.baseRss / MiB).toFixed(1)} MiB peak ${(watch.peakRss / MiB).toFixed(1)} MiB ` +
    `(+${((watch.peakRss - watch.baseRss) / MiB).toFixed(1)}); ListContainers slowest ${watch.slowestMs} ms, ` +
    `${watch.failures.length} of ${watch.calls} failed`
  );
}

function assertBounded(mode: string, r: Awaited<ReturnType<typeof flood>>): void {
  console.log(describe(mode, r));
  assert.ok(r.watch.peakRss - r.watch.baseRss < 64 * MiB, describe(mode, r));
  assert.notEqual(r.result.closedAfterMs, null, 'corrald closed the session');
  assert.deepEqual(r.watch.failures, []);
  assert.ok(r.watch.slowestMs < 1000, describe(mode, r));
}

test('SPDY: pings from a client that never reads keep corrald bounded and the session is closed', async () => {
  const r = await flood('spdy');
  assertBounded('SPDY', r);
  assert.ok(r.result.sent < FLOOD_BYTES, 'corrald stopped taking pings');
  await stillServes();
});

test('WebSocket: pings from a client that never reads keep corrald bounded', async () => {
  assertBounded('WebSocket', await flood('ws'));
  await stillServes();
});
