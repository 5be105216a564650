// An upgrade in place: pods started by an earlier corral (a build of an older commit) keep
// running when the new corrald takes over the same roots, and the new one manages them: status,
// exec, logs, an exit recorded by the old monitor, stop and remove. A record written by a newer
// corral stops corrald with a message naming it, and is left as it was.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CriClient } from '../../cli/cri_client';
import { canConnect, Corrald, corraldArgs, runCorraldToExit, type CorraldDirs } from '../harness/corrald';
import {
  cgroupParentDirs,
  containerConfig,
  daemonConfig,
  eventually,
  isAlive,
  mountsUnder,
  podConfig,
} from '../lifecycle/fixture';
import { pushTestImages, startTestRegistry, type PushedTestImages, type TestRegistry } from '../testimages';

const REPO = path.resolve(__dirname, '..', '..', '..');
/** The release upgraded from: main when record formats and sd_notify came in. */
const OLD_COMMIT = process.env.CORRAL_UPGRADE_FROM ?? 'f2e78dd';
const CGROUP_PARENT = `/corral-e2e-upgrade-${process.pid}`;

let registry: TestRegistry | undefined;
let images: PushedTestImages;
let oldCorrald: string;
const made: string[] = [];

before(async () => {
  const built = spawnSync('bash', [path.join(REPO, 'conformance', 'install', 'old-build.sh'), REPO, OLD_COMMIT], {
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, `building ${OLD_COMMIT}: ${built.stderr}`);
  oldCorrald = path.join(built.stdout.trim(), 'dist', 'server', 'main.js');
  registry = await startTestRegistry();
  images = await pushTestImages(registry);
});

after(async () => {
  await registry?.stop();
  for (const dir of made) {
    assert.deepEqual(mountsUnder(dir), [], 'nothing stays mounted');
    await fs.rm(dir, { recursive: true, force: true });
  }
  for (const dir of await cgroupParentDirs(CGROUP_PARENT)) await fs.rmdir(dir);
});

/** The old release's corrald on `dirs`, answering on its socket. */
async function startOld(dirs: CorraldDirs): Promise<ChildProcess> {
  const config = path.join(dirs.base, 'corral.toml');
  await fs.writeFile(config, daemonConfig(CGROUP_PARENT));
  const args = corraldArgs(dirs, ['--config', config]).slice(1);
  const child = spawn(process.execPath, [oldCorrald, ...args], { stdio: 'ignore' });
  for (let i = 0; !(await canConnect(dirs.socket)); i++) {
    assert.ok(i < 1500 && child.exitCode === null, `old corrald did not start (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

async function stopOld(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'the old corrald stops cleanly');
}

async function infoPid(client: CriClient, id: string): Promise<number> {
  const status = await client.runtime('ContainerStatus', { container_id: id, verbose: true });
  return (JSON.parse(status.info.info) as { pid: number }).pid;
}

test('pods started by the previous release are managed by the new corrald after an in-place upgrade', async () => {
  const dirs = Corrald.makeDirs();
  made.push(dirs.base);
  const logs = path.join(dirs.base, 'logs');
  const signal = path.join(dirs.base, 'signal');
  await fs.mkdir(signal);

  const old = await startOld(dirs);
  const oldClient = new CriClient(`unix://${dirs.socket}`, 60_000);
  const pod = podConfig('upgrade', { log_directory: logs, linux: { cgroup_parent: CGROUP_PARENT } });
  let podId = '';
  let steady = '';
  let quitter = '';
  let steadyPid = 0;
  try {
    await oldClient.image('PullImage', { image: { image: images.busybox }, auth: null });
    ({ pod_sandbox_id: podId } = await oldClient.runtime('RunPodSandbox', { config: pod, runtime_handler: '' }));
    const start = async (name: string, command: string[], extra = {}): Promise<string> => {
      const config = containerConfig(images.busybox, name, command, extra);
      const made = await oldClient.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
      await oldClient.runtime('StartContainer', { container_id: made.container_id });
      return made.container_id;
    };
    const signalMount = { mounts: [{ container_path: '/signal', host_path: signal }] };
    steady = await start(
      'steady',
      ['sh', '-c', 'echo before; until [ -e /signal/log ]; do sleep 0.1; done; echo after; exec sleep 600'],
      signalMount,
    );
    quitter = await start('quitter', ['sh', '-c', 'until [ -e /signal/go ]; do sleep 0.05; done; exit 7'], signalMount);
    steadyPid = await infoPid(oldClient, steady);
  } finally {
    oldClient.close();
  }
  await stopOld(old);
  assert.ok(isAlive(steadyPid), 'the container outlives the old corrald');

  const daemon = await Corrald.start({ configToml: daemonConfig(CGROUP_PARENT), dirs });
  const client = daemon.client;
  try {
    const status = await client.runtime('ContainerStatus', { container_id: steady, verbose: true });
    assert.equal(status.status?.state, 'CONTAINER_RUNNING');
    assert.equal(await infoPid(client, steady), steadyPid, 'the same process');
    const exec = await client.runtime('ExecSync', {
      container_id: steady,
      cmd: ['sh', '-c', 'echo exec $((6*7))'],
      timeout: 10,
    });
    assert.equal(exec.exit_code, 0);
    assert.equal(exec.stdout.toString().trim(), 'exec 42');

    // The log the old monitor writes keeps growing, and the new corrald reads it.
    await fs.writeFile(path.join(signal, 'log'), '');
    await eventually('the steady container logs after the upgrade', async () => {
      const text = await fs.readFile(path.join(logs, 'steady.log'), 'utf8').catch(() => '');
      return /stdout F before\n.*stdout F after\n/s.test(text);
    });

    // An exit the old monitor records reaches the new corrald with its code.
    await fs.writeFile(path.join(signal, 'go'), '');
    await eventually('the quitter exits with 7', async () => {
      const s = await client.runtime('ContainerStatus', { container_id: quitter, verbose: false });
      return s.status?.state === 'CONTAINER_EXITED' && s.status.exit_code === 7;
    });

    await client.runtime('StopContainer', { container_id: steady, timeout: 1 });
    assert.ok(!isAlive(steadyPid));
    const stopped = await client.runtime('ContainerStatus', { container_id: steady, verbose: false });
    assert.equal(stopped.status?.state, 'CONTAINER_EXITED');
    // What the new corrald rewrote carries its record format.
    const record = JSON.parse(await fs.readFile(path.join(dirs.root, 'containers', steady, 'status.json'), 'utf8')) as {
      format?: number;
    };
    assert.equal(record.format, 1);
    for (const id of [steady, quitter]) await client.runtime('RemoveContainer', { container_id: id });
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
    assert.deepEqual((await client.runtime('ListContainers', {})).containers, []);
    assert.deepEqual((await client.runtime('ListPodSandbox', {})).items, []);
  } finally {
    await removeAllPods(client);
    await daemon.stop();
  }
});

/** After a failure: what the test made goes, so nothing outlives it. */
async function removeAllPods(client: CriClient): Promise<void> {
  for (const pod of (await client.runtime('ListPodSandbox', {})).items) {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  }
}

test('a record written by a newer corral stops corrald with a message naming it, and stays as it was', async () => {
  const dirs = Corrald.makeDirs();
  made.push(dirs.base);
  const id = 'ab'.repeat(32);
  const recordDir = path.join(dirs.root, 'containers', id);
  await fs.mkdir(recordDir, { recursive: true });
  const files = {
    'meta.json': '{"name":"from-the-future","shape":"unknown"}',
    'status.json': '{"format":99,"version":4,"status":{"state":"running"}}',
  };
  for (const [name, data] of Object.entries(files)) await fs.writeFile(path.join(recordDir, name), data);

  const { code, output } = await runCorraldToExit(corraldArgs(dirs).slice(1));
  assert.equal(code, 1);
  assert.match(output, new RegExp(`container ${id} .* record format 99, newer than this corrald's 1`));
  for (const [name, data] of Object.entries(files))
    assert.equal(await fs.readFile(path.join(recordDir, name), 'utf8'), data, `${name} is untouched`);
  assert.deepEqual(await fs.readdir(recordDir), Object.keys(files).sort());
});
