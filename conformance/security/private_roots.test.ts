// Local users reach nothing under corral's root and state: not the image layers, not a
// container's writable layer (where a container may leave a setuid binary), not bundles, sockets
// or pod files. Checked as an unprivileged host user (`runuser -u nobody`), on a fresh install
// and on one whose directories carry an older, looser layout (tightened at start).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Corrald, type CorraldDirs } from '../harness/corrald';
import { containerConfig, daemonConfig, podConfig } from '../lifecycle/fixture';
import { cgroupParentDirs } from '../lifecycle/fixture';
import { pushTestImages, startTestRegistry, type PushedTestImages, type TestRegistry } from '../testimages';

const CGROUP_PARENT = `/corral-e2e-private-${process.pid}`;
const PROBE = 'suid-probe';

let registry: TestRegistry;
let images: PushedTestImages;
let dirs: CorraldDirs;
let daemon: Corrald | undefined;

before(async () => {
  registry = await startTestRegistry();
  images = await pushTestImages(registry);
  dirs = Corrald.makeDirs();
  // The temporary base stands in for /var/lib and /run: open to everyone, like them.
  await fs.chmod(dirs.base, 0o755);
  daemon = await Corrald.start({ configToml: daemonConfig(CGROUP_PARENT), dirs });
  await daemon.client.image('PullImage', { image: { image: images.busybox }, auth: null });
});

after(async () => {
  if (daemon) {
    const pods = await daemon.client.runtime('ListPodSandbox', {});
    for (const pod of pods.items) {
      await daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
      await daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
    }
    await daemon.stop();
    await daemon.removeDirs();
  }
  await registry?.stop();
  for (const dir of await cgroupParentDirs(CGROUP_PARENT)) await fs.rmdir(dir);
});

/** A running pod whose container left a setuid-root copy of busybox in its writable layer. */
async function podWithSetuidFile(name: string): Promise<void> {
  const client = daemon!.client;
  const pod = podConfig(name);
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  const script = `cp /bin/busybox /${PROBE} && chmod 4755 /${PROBE} && echo secret > /secret && sleep 1000`;
  const config = containerConfig(images.busybox, name, ['sh', '-c', script]);
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  for (let i = 0; i < 500; i++) {
    const { exit_code } = await client.runtime('ExecSync', { container_id: id, cmd: ['test', '-u', `/${PROBE}`] });
    if (exit_code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the container never made its setuid file');
}

/** Every path below corral's root and state, as root sees them (mount points are not entered). */
function pathsUnderRoots(): string[] {
  const found = spawnSync('find', [dirs.root, dirs.state, '-xdev'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(found.status, 0, found.stderr);
  return found.stdout.split('\n').filter((p) => p !== '');
}

/** Of `paths`, those the user nobody may read, write or search/execute (via access(2) in sh's test). */
function reachableByNobody(paths: string[]): string[] {
  const script = 'while IFS= read -r p; do if [ -r "$p" ] || [ -w "$p" ] || [ -x "$p" ]; then echo "$p"; fi; done';
  const run = spawnSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', script], {
    input: paths.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter((p) => p !== '');
}

/** The container's upper directories, as any local user reads them from mountinfo. */
function upperDirsInMountinfo(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(' - overlay ') && line.includes(dirs.root))
    .map((line) => /upperdir=([^,]+)/.exec(line)?.[1] ?? '')
    .filter((upper) => upper !== '');
}

function assertPrivate(): void {
  const paths = pathsUnderRoots();
  const uppers = upperDirsInMountinfo();
  assert.ok(uppers.length > 0, 'the container rootfs is an overlay under the root');
  const probe = path.join(uppers[0], PROBE);
  assert.ok(paths.includes(probe), `the setuid file is at ${probe}`);
  // The CRI socket is 0660 root: the state directory may be searchable so that its group reaches it.
  const allowed = new Set([dirs.state]);
  assert.deepEqual(
    reachableByNobody(paths).filter((p) => !allowed.has(p)),
    [],
    'nobody reaches nothing below the roots',
  );
  const run = spawnSync('runuser', ['-u', 'nobody', '--', probe, 'id', '-u'], { encoding: 'utf8' });
  assert.notEqual(run.status, 0, `nobody ran the container's setuid file: ${run.stdout}`);
}

test('a local user reaches nothing under root and state, not even a setuid file a container made', async () => {
  await podWithSetuidFile('private');
  assertPrivate();
});

test('an install with looser modes is tightened when corrald starts', async () => {
  await daemon!.stop();
  // The modes an older corral left: 0711 roots, 0755 snapshot, sandbox and container directories.
  for (const p of pathsUnderRoots()) {
    const stat = await fs.lstat(p);
    if (stat.isDirectory() && (stat.mode & 0o777) === 0o700) await fs.chmod(p, 0o711);
  }
  await fs.chmod(dirs.root, 0o711);
  daemon = await Corrald.start({ configToml: daemonConfig(CGROUP_PARENT), dirs });
  assertPrivate();
});
