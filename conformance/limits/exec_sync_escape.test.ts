// ExecSync whose command leaves a descendant behind that escaped its process group and holds the
// output pipes (issue 19, item 4). The result is the command's own exit; the call returns within
// its timeout + 1 s whatever the descendant does, and corrald keeps no fd for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerConfig, grpcCode, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';
import { fdCount } from './testing/watch';

let world: LifecycleWorld;
let podId: string;
let containerId: string;

before(async () => {
  world = await startWorld('limits-execsync');
  const pod = podConfig('limits-execsync');
  podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  const config = containerConfig(world.images.busybox, 'app', ['sleep', '1000']);
  containerId = (
    await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
  ).container_id;
  await world.daemon.client.runtime('StartContainer', { container_id: containerId });
  await execSync('true', 5); // warm up: the first exec loads what every later one shares
});

after(async () => {
  if (world && podId) {
    // Stopping the pod ends the escaped sleeps with the rest of the container.
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

async function execSync(script: string, timeout: number) {
  const started = Date.now();
  const r = await world.daemon.client.runtime('ExecSync', {
    container_id: containerId,
    cmd: ['sh', '-c', script],
    timeout,
  });
  return { ms: Date.now() - started, exitCode: r.exit_code, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

async function settledFdCount(): Promise<number> {
  await new Promise((r) => setTimeout(r, 200));
  return fdCount(world.daemon.pid);
}

test('a command that exits at once with an escaped child: its own exit, at once, no fd kept', async () => {
  const before = await settledFdCount();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await execSync('echo started; setsid sleep 600 & exit 3', 2);
    times.push(r.ms);
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'started\n');
  }
  const afterwards = await settledFdCount();
  console.log(`escaped child, timeout 2 s: returned in ${times.join(', ')} ms; corrald fds ${before} -> ${afterwards}`);
  assert.ok(Math.max(...times) < 3000, `ExecSync took ${Math.max(...times)} ms`);
  assert.ok(afterwards <= before, `corrald fds ${before} -> ${afterwards}`);
});

test('a command that runs past its timeout with an escaped child: killed, returns by timeout + 1 s', async () => {
  const before = await settledFdCount();
  const started = Date.now();
  const code = await grpcCode(execSync('setsid sleep 600 & exec sleep 600', 2));
  const ms = Date.now() - started;
  const afterwards = await settledFdCount();
  console.log(
    `escaped child, command past its timeout of 2 s: ${code} in ${ms} ms; corrald fds ${before} -> ${afterwards}`,
  );
  assert.equal(code, 'DEADLINE_EXCEEDED');
  assert.ok(ms < 3000, `ExecSync took ${ms} ms`);
  assert.ok(afterwards <= before, `corrald fds ${before} -> ${afterwards}`);
});

test('late output from an escaped child within the drain window is kept', async () => {
  const r = await execSync('(setsid sh -c "sleep 0.1; echo late") & echo early', 5);
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'early\nlate\n');
});
