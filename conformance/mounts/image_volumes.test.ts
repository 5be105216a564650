// Image volumes (KEP-4639) the way kubelet sends them: Mount.image holds the image_ref PullImage
// answered, no host_path, readonly. A real pulled two-layer image is mounted read-only (the upper
// layer wins, writes fail with EROFS, its programs run); image_sub_path picks a directory inside
// it, and neither ".." nor a symlink gets out of the image; an absent image is NOT_FOUND naming
// it. RemoveImage while a container uses the volume succeeds and the container still reads it;
// removing the container frees the layers. ImageFsInfo counts the layers once; a user-namespaced
// pod's volume is idmapped with the pod's mappings; a kill -9 and restart of corrald keeps the
// layers; and nothing stays mounted.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildImage, pushImage, type TreeEntry } from '../testimages';
import {
  containerConfig,
  grpcCode,
  mountsUnder,
  podConfig,
  restart,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';

const LOWER: TreeEntry[] = [
  { type: 'dir', path: 'data' },
  { type: 'dir', path: 'data/sub' },
  { type: 'file', path: 'data/sub/file', content: 'in sub\n' },
  { type: 'file', path: 'data/top', content: 'lower\n' },
  { type: 'symlink', path: 'escape', target: '../../../../../../..' },
  { type: 'symlink', path: 'absolute', target: '/' },
  { type: 'symlink', path: 'data/to-sub', target: '/data/sub' },
];
const UPPER: TreeEntry[] = [
  { type: 'dir', path: 'data' },
  { type: 'file', path: 'data/top', content: 'upper\n' },
  { type: 'dir', path: 'data/more' },
  { type: 'file', path: 'data/more/file', content: 'more\n' },
];

describe('image volumes', () => {
  let world: LifecycleWorld;
  let imageRef: string;
  let podId: string;
  let pod: ReturnType<typeof podConfig>;

  before(async () => {
    world = await startWorld('imgvol');
    const image = await buildImage([LOWER, UPPER], { Cmd: ['true'] });
    await pushImage(world.registry, image, 'corral-test/volume', 'latest');
    const pulled = await world.daemon.client.image('PullImage', {
      image: { image: `${world.registry.host}/corral-test/volume:latest` },
      auth: null,
    });
    imageRef = pulled.image_ref;
    pod = podConfig('imgvol');
    podId = (await world.daemon.client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  });

  after(async () => {
    try {
      if (podId) {
        await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
        await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
        assert.deepEqual(volumeMounts(), [], 'no image volume stays mounted');
      }
    } finally {
      await stopWorld(world);
    }
  });

  const volume = (containerPath: string, image: string, subPath = '') => ({
    container_path: containerPath,
    image: { image },
    image_sub_path: subPath,
    readonly: true,
  });

  function volumeMounts(): string[] {
    return mountsUnder(world.daemon.dirs.base).filter((m) => m.includes('image-volumes'));
  }

  function create(name: string, mounts: unknown[]): Promise<string> {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], { mounts });
    return world.daemon.client
      .runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })
      .then((r) => r.container_id);
  }

  async function run(name: string, mounts: unknown[]): Promise<string> {
    const id = await create(name, mounts);
    await world.daemon.client.runtime('StartContainer', { container_id: id });
    return id;
  }

  async function exec(id: string, script: string): Promise<{ out: string; err: string; code: number }> {
    const r = await world.daemon.client.runtime('ExecSync', {
      container_id: id,
      cmd: ['sh', '-c', script],
      timeout: 10,
    });
    return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.exit_code };
  }

  async function remove(id: string): Promise<void> {
    await world.daemon.client.runtime('RemoveContainer', { container_id: id });
  }

  async function refusal(mounts: unknown[]): Promise<{ code: string; message: string }> {
    try {
      await create('refused', mounts);
    } catch (err) {
      const message = (err as Error).message;
      return { code: await grpcCode(Promise.reject(err)), message };
    }
    return { code: 'OK', message: '' };
  }

  const layerDirs = () => readdirSync(path.join(world.daemon.dirs.root, 'image', 'layers'));
  const snapshots = () => readdirSync(path.join(world.daemon.dirs.root, 'snapshots')).filter((n) => !n.startsWith('.'));

  it("mounts the image's merged layers read-only; its programs run", async () => {
    const busyboxRef = (await world.daemon.client.image('ImageStatus', { image: { image: world.images.busybox } }))
      .image!.id;
    const id = await run('whole', [volume('/vol', imageRef), volume('/tools', busyboxRef)]);
    assert.equal(
      (await exec(id, 'cat /vol/data/top /vol/data/sub/file /vol/data/more/file')).out,
      'upper\nin sub\nmore\n',
    );
    const write = await exec(id, 'touch /vol/new');
    assert.notEqual(write.code, 0);
    assert.match(write.err, /Read-only file system/);
    assert.notEqual((await exec(id, 'rm /vol/data/top')).code, 0, 'nothing in the volume can be removed');
    assert.equal((await exec(id, '/tools/bin/busybox echo ran')).out, 'ran\n', 'no noexec, as containerd and CRI-O');
    const mountLine = (await exec(id, 'grep " /vol " /proc/self/mountinfo')).out;
    assert.match(mountLine, /^\S+ \S+ \S+ \/ \/vol ro[,\s]/, `read-only mount: ${mountLine}`);
    const status = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
    const reported = status.status!.mounts.find((m) => m.container_path === '/vol');
    assert.equal(reported?.image?.image, imageRef);
    await remove(id);
  });

  it('image_sub_path mounts a directory inside the image', async () => {
    const id = await run('sub', [volume('/sub', imageRef, 'data/sub'), volume('/more', imageRef, 'data/more')]);
    assert.equal((await exec(id, 'ls /sub; cat /sub/file /more/file')).out, 'file\nin sub\nmore\n');
    assert.notEqual((await exec(id, 'touch /sub/x')).code, 0);
    await remove(id);
  });

  it('symlinks in image_sub_path resolve inside the image, never outside it', async () => {
    const id = await run('links', [
      volume('/escape', imageRef, 'escape'),
      volume('/absolute', imageRef, 'absolute'),
      volume('/linked', imageRef, 'data/to-sub'),
    ]);
    // "../../.." and "/" both stop at the image's root: its own files, not the host's.
    assert.equal((await exec(id, 'ls /escape; cat /escape/data/top')).out, 'absolute\ndata\nescape\nupper\n');
    assert.equal((await exec(id, 'ls /absolute')).out, 'absolute\ndata\nescape\n');
    assert.equal((await exec(id, 'cat /linked/file')).out, 'in sub\n');
    await remove(id);
  });

  it("a user-namespaced pod's volume is idmapped with the pod's mappings (kubelet sends them)", async () => {
    const mapping = [{ container_id: 0, host_id: 200000, length: 65536 }];
    const usernsPod = podConfig('imgvol-userns', {
      linux: {
        security_context: {
          namespace_options: {
            network: 'POD',
            pid: 'CONTAINER',
            ipc: 'POD',
            userns_options: { mode: 'POD', uids: mapping, gids: mapping },
          },
        },
      },
    });
    const usernsPodId = (await world.daemon.client.runtime('RunPodSandbox', { config: usernsPod, runtime_handler: '' }))
      .pod_sandbox_id;
    try {
      const mounts = [
        { ...volume('/vol', imageRef), uidMappings: mapping, gidMappings: mapping },
        { ...volume('/sub', imageRef, 'data/sub'), uidMappings: mapping, gidMappings: mapping },
      ];
      const config = containerConfig(world.images.busybox, 'userns', ['sleep', '1000'], {
        mounts,
        linux: { security_context: { namespace_options: usernsPod.linux!.security_context!.namespace_options } },
      });
      const id = (
        await world.daemon.client.runtime('CreateContainer', {
          pod_sandbox_id: usernsPodId,
          config,
          sandbox_config: usernsPod,
        })
      ).container_id;
      await world.daemon.client.runtime('StartContainer', { container_id: id });
      // Host uid 0 on disk; through the mapping the pod's root owns it (unmapped it would be 65534).
      assert.equal((await exec(id, 'stat -c %u:%g /vol/data/top /sub/file; cat /sub/file')).out, '0:0\n0:0\nin sub\n');
      assert.notEqual((await exec(id, 'touch /vol/x')).code, 0);
    } finally {
      await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: usernsPodId });
      await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: usernsPodId });
    }
  });

  it('a bad image_sub_path is refused and leaves nothing behind', async () => {
    const before = { snapshots: snapshots().length, mounts: volumeMounts().length };
    for (const [subPath, code, pattern] of [
      ['../data', 'INVALID_ARGUMENT', /must not contain/],
      ['data/../..', 'INVALID_ARGUMENT', /must not contain/],
      ['/data', 'INVALID_ARGUMENT', /must be a relative path/],
      ['data/missing', 'NOT_FOUND', /"data\/missing".*does not exist/],
      ['data/top', 'INVALID_ARGUMENT', /is not a directory/],
    ] as const) {
      const r = await refusal([volume('/v', imageRef, subPath)]);
      assert.equal(r.code, code, `${subPath}: ${r.message}`);
      assert.match(r.message, pattern);
    }
    const listed = await world.daemon.client.runtime('ListContainers', { filter: { pod_sandbox_id: podId } });
    assert.equal(listed.containers.length, 0);
    assert.deepEqual({ snapshots: snapshots().length, mounts: volumeMounts().length }, before);
  });

  it('an image that is not present is NOT_FOUND, naming it', async () => {
    for (const absent of [`sha256:${'f'.repeat(64)}`, `${world.registry.host}/corral-test/never-pulled:1`]) {
      const r = await refusal([volume('/v', absent)]);
      assert.equal(r.code, 'NOT_FOUND', r.message);
      assert.ok(r.message.includes(absent), r.message);
    }
    const r = await refusal([{ ...volume('/v', imageRef), host_path: '/tmp' }]);
    assert.equal(r.code, 'INVALID_ARGUMENT', r.message);
    const rw = await refusal([{ ...volume('/v', imageRef), readonly: false }]);
    assert.equal(rw.code, 'INVALID_ARGUMENT', rw.message);
  });

  it('ImageFsInfo counts the layers once, however many containers mount them', async () => {
    const usage = async () => {
      const info = await world.daemon.client.image('ImageFsInfo', {});
      return {
        bytes: info.image_filesystems[0].used_bytes!.value,
        inodes: info.image_filesystems[0].inodes_used!.value,
      };
    };
    const alone = await usage();
    const a = await create('count-a', [volume('/vol', imageRef)]);
    const b = await create('count-b', [volume('/vol', imageRef), volume('/again', imageRef, 'data')]);
    assert.deepEqual(await usage(), alone);
    await remove(a);
    await remove(b);
  });

  it('RemoveImage while a container uses it: the container keeps reading; removing the container frees the layers', async () => {
    const layersBefore = layerDirs();
    const id = await run('keeps', [volume('/vol', imageRef), volume('/sub', imageRef, 'data/sub')]);
    await world.daemon.client.image('RemoveImage', { image: { image: imageRef } });
    const status = await world.daemon.client.image('ImageStatus', { image: { image: imageRef } });
    assert.equal(status.image, null, 'the image is gone from the store');
    assert.equal((await exec(id, 'cat /vol/data/top /sub/file')).out, 'upper\nin sub\n');
    assert.deepEqual(layerDirs(), layersBefore, 'the layers stay while the volume uses them');

    await world.daemon.client.runtime('StopContainer', { container_id: id, timeout: 0 });
    await remove(id);
    const freed = layersBefore.filter((l) => !layerDirs().includes(l));
    assert.equal(freed.length, 2, "the volume image's own two layers are deleted with the container");
    for (const l of freed) assert.ok(!existsSync(path.join(world.daemon.dirs.root, 'image', 'layers', l)));
    assert.deepEqual(volumeMounts(), []);
    assert.ok(!snapshots().some((s) => s.includes('.iv')), 'no image volume snapshot stays');
  });

  it('after kill -9 and a restart of corrald the volume still holds its layers, and removal frees them', async () => {
    const pulled = await world.daemon.client.image('PullImage', {
      image: { image: `${world.registry.host}/corral-test/volume:latest` },
      auth: null,
    });
    const layersBefore = layerDirs();
    const id = await run('restarted', [volume('/sub', pulled.image_ref, 'data/sub')]);
    await world.daemon.client.image('RemoveImage', { image: { image: pulled.image_ref } });
    const dirs = world.daemon.dirs;
    await world.daemon.kill9();
    await restart(world, dirs);
    assert.deepEqual(layerDirs(), layersBefore, 'the view kept its layers through the restart');
    assert.equal((await exec(id, 'cat /sub/file')).out, 'in sub\n');
    await remove(id);
    assert.equal(layersBefore.filter((l) => !layerDirs().includes(l)).length, 2);
    assert.deepEqual(volumeMounts(), []);
  });
});
