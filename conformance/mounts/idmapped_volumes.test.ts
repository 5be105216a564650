// Idmapped volumes of a user-namespaced pod (KEP-127), with the mounts kubelet makes: a
// configmap-like directory owned by host root with 0600 files, an emptyDir, /etc/hosts and the
// termination-log file, read-only and recursive read-only too. The container's root reads and
// writes them as their owner; on disk everything stays host uid 0. Mappings other than the pod's
// are refused, and so is a filesystem that cannot be idmapped (FAILED_PRECONDITION naming it).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerConfig, grpcCode, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

const MAPPING = [{ container_id: 0, host_id: 200000, length: 65536 }];
const USERNS = { mode: 'POD', uids: MAPPING, gids: MAPPING };

describe('idmapped volume mounts', () => {
  let world: LifecycleWorld;
  let base: string;
  let podId: string;
  let pod: ReturnType<typeof podConfig>;

  before(async () => {
    world = await startWorld('idmap');
    base = mkdtempSync(path.join(os.tmpdir(), 'corral-idmap-'));
    await fs.chmod(base, 0o755);
    pod = podConfig('idmap', {
      linux: {
        security_context: {
          namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', userns_options: USERNS },
        },
      },
    });
    podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  });

  after(async () => {
    if (podId) {
      await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
      await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
    }
    if (base) {
      spawnSync('umount', [path.join(base, 'procfs')], { stdio: 'ignore' });
      await fs.rm(base, { recursive: true, force: true });
    }
    await stopWorld(world);
  });

  const volume = (hostPath: string, containerPath: string, extra: Record<string, unknown> = {}) => ({
    host_path: hostPath,
    container_path: containerPath,
    uidMappings: MAPPING,
    gidMappings: MAPPING,
    ...extra,
  });

  async function create(name: string, mounts: unknown[]): Promise<string> {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], { mounts });
    return (
      await world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
    ).container_id;
  }

  async function exec(id: string, script: string): Promise<string> {
    const r = await world.daemon.client.runtime('ExecSync', {
      container_id: id,
      cmd: ['sh', '-c', script],
      timeout: 10,
    });
    assert.equal(r.exit_code, 0, `${script}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  }

  it("kubelet-shaped volumes are owned by the container's root and stay host root's on disk", async () => {
    const configmap = path.join(base, 'configmap');
    const emptyDir = path.join(base, 'empty-dir');
    const hosts = path.join(base, 'etc-hosts');
    const termination = path.join(base, 'termination-log');
    await fs.mkdir(configmap, { mode: 0o700 });
    await fs.writeFile(path.join(configmap, 'key'), 'secret value\n', { mode: 0o600 });
    await fs.mkdir(emptyDir, { mode: 0o750 });
    await fs.writeFile(hosts, '127.0.0.1 localhost\n', { mode: 0o644 });
    await fs.writeFile(termination, '', { mode: 0o600 });
    const id = await create('volumes', [
      volume(configmap, '/etc/config', { readonly: true }),
      volume(emptyDir, '/data'),
      volume(hosts, '/etc/hosts'),
      volume(termination, '/dev/termination-log'),
      volume(configmap, '/etc/config-rro', { readonly: true, recursive_read_only: true }),
    ]);
    await world.daemon.client.runtime('StartContainer', { container_id: id });

    assert.equal(
      await exec(id, 'stat -c %u:%g:%a /etc/config /etc/config/key /data /etc/hosts /dev/termination-log'),
      '0:0:700\n0:0:600\n0:0:750\n0:0:644\n0:0:600\n',
    );
    assert.equal(await exec(id, 'cat /etc/config/key /etc/config-rro/key'), 'secret value\nsecret value\n');
    await exec(id, 'echo made > /data/new && echo 10.0.0.1 pod >> /etc/hosts && echo bye > /dev/termination-log');
    assert.equal(await exec(id, 'stat -c %u:%g /data/new'), '0:0\n');
    const ro = await world.daemon.client.runtime('ExecSync', {
      container_id: id,
      cmd: ['sh', '-c', 'touch /etc/config/x || touch /etc/config-rro/x'],
      timeout: 10,
    });
    assert.notEqual(ro.exit_code, 0, 'read-only volumes stay read-only');

    for (const file of [path.join(emptyDir, 'new'), hosts, termination, path.join(configmap, 'key')]) {
      const st = await fs.stat(file);
      assert.deepEqual([st.uid, st.gid], [0, 0], `${file} stays host root's on disk`);
    }
    assert.match(await fs.readFile(hosts, 'utf8'), /10\.0\.0\.1 pod/);
    assert.equal(await fs.readFile(termination, 'utf8'), 'bye\n');
    await world.daemon.client.runtime('RemoveContainer', { container_id: id });
  });

  it("mappings other than the pod's are refused and nothing is made", async () => {
    const dir = path.join(base, 'other');
    await fs.mkdir(dir);
    const other = [{ container_id: 0, host_id: 300000, length: 65536 }];
    const config = containerConfig(world.images.busybox, 'other', ['true'], {
      mounts: [{ host_path: dir, container_path: '/v', uidMappings: other, gidMappings: other }],
    });
    assert.equal(
      await grpcCode(
        world.daemon.client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod }),
      ),
      'INVALID_ARGUMENT',
    );
    const listed = await world.daemon.client.runtime('ListContainers', { filter: { pod_sandbox_id: podId } });
    assert.equal(listed.containers.length, 0);
  });

  it('a filesystem that cannot be idmapped fails the start with FAILED_PRECONDITION naming it', async () => {
    // procfs never supports MOUNT_ATTR_IDMAP.
    const dir = path.join(base, 'procfs');
    await fs.mkdir(dir);
    execFileSync('mount', ['-t', 'proc', 'proc', dir]);
    const config = containerConfig(world.images.busybox, 'noidmap', ['true'], {
      mounts: [volume(dir, '/v')],
    });
    // The monitor sets the mounts up after CreateContainer's reply (docs/lifecycle.md): Start refuses.
    const client = world.daemon.client;
    const { container_id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await assert.rejects(client.runtime('StartContainer', { container_id }), (err: Error & { code?: number }) => {
      assert.equal(err.code, 9, err.message); // FAILED_PRECONDITION
      assert.match(err.message, new RegExp(`cannot be idmapped: ${dir}`));
      return true;
    });
  });
});
