// Mount propagation of CRI volumes, checked the way critest does: a host mount made after start
// reaches rslave and rshared volumes, a mount made in the container reaches the host only through
// rshared, and nothing of the container's own tree (proc, dev, …) ever shows up on the host.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

type Propagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';

function mount(...args: string[]): void {
  execFileSync('mount', args);
}

function hostMountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '');
}

describe('volume mount propagation', () => {
  let world: LifecycleWorld;
  before(async () => {
    world = await startWorld('propagation');
  });
  after(async () => {
    await stopWorld(world);
  });

  async function check(
    propagation: Propagation,
  ): Promise<{ hostSeenInContainer: boolean; containerSeenOnHost: boolean }> {
    const base = mkdtempSync(path.join(os.tmpdir(), 'corral-prop-'));
    const source = path.join(base, 'mnt');
    const hostMountPoint = path.join(source, 'fromHost');
    const flagDir = path.join(base, 'flag');
    await fs.mkdir(hostMountPoint, { recursive: true });
    await fs.mkdir(flagDir);
    await fs.writeFile(path.join(flagDir, 'flag'), '');
    mount('--bind', source, source);
    mount(propagation === 'PROPAGATION_PRIVATE' ? '--make-rprivate' : '--make-rshared', source);
    const client = world.daemon.client;
    // Propagation needs a privileged container (critest's createPrivilegedPodSandbox), hence a privileged pod.
    const pod = podConfig(`prop-${propagation.length}`, { linux: { security_context: { privileged: true } } });
    const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod });
    try {
      const config = containerConfig(world.images.busybox, 'prop', ['sleep', '1000'], {
        linux: { security_context: { privileged: true } },
        mounts: [{ container_path: source, host_path: source, propagation }],
      });
      const { container_id: id } = await client.runtime('CreateContainer', {
        pod_sandbox_id: podId,
        config,
        sandbox_config: pod,
      });
      await client.runtime('StartContainer', { container_id: id });
      const { info } = await client.runtime('ContainerStatus', { container_id: id, verbose: true });
      const rootfs = (JSON.parse(info.info) as { runtimeSpec: { rootfs: string } }).runtimeSpec.rootfs;
      assert.deepEqual(
        hostMountPoints().filter((p) => p.startsWith(`${rootfs}/`)),
        [],
        'container mounts leaked to the host',
      );

      mount('--bind', flagDir, hostMountPoint);
      const listing = await client.runtime('ExecSync', {
        container_id: id,
        cmd: ['ls', '-A', hostMountPoint],
        timeout: '10',
      });
      const inContainer = path.join(source, 'fromContainer');
      await client.runtime('ExecSync', {
        container_id: id,
        cmd: ['sh', '-c', `mkdir -p ${inContainer} && mount --bind /etc ${inContainer}`],
        timeout: '10',
      });
      return {
        hostSeenInContainer: listing.stdout.toString().includes('flag'),
        containerSeenOnHost: readdirSync(inContainer).length > 0,
      };
    } finally {
      await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
      await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
      execFileSync('umount', ['-R', source]);
      await fs.rm(base, { recursive: true, force: true });
    }
  }

  it('private: nothing crosses', async () => {
    assert.deepEqual(await check('PROPAGATION_PRIVATE'), { hostSeenInContainer: false, containerSeenOnHost: false });
  });

  it('rslave: host mounts reach the container, not the other way', async () => {
    assert.deepEqual(await check('PROPAGATION_HOST_TO_CONTAINER'), {
      hostSeenInContainer: true,
      containerSeenOnHost: false,
    });
  });

  it('rshared: mounts cross both ways', async () => {
    assert.deepEqual(await check('PROPAGATION_BIDIRECTIONAL'), {
      hostSeenInContainer: true,
      containerSeenOnHost: true,
    });
  });
});
