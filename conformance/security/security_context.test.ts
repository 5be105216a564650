// The CRI security context over the real socket, checked from inside busybox containers:
// capabilities, users and groups, read-only root, masked and read-only paths, no_new_privs,
// seccomp (RuntimeDefault, Localhost, Unconfined), sysctls, user namespaces, and bad input that
// must fail with INVALID_ARGUMENT and leave nothing behind.
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import type { UserNamespace } from '../../proto/generated/runtime/v1/UserNamespace';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerConfig, grpcCode, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';
import { capabilityMask, runtimeCapabilities } from '../../runtime/security/capability_names';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { Collector } from '../../server/streaming/testing/fixture';

let world: LifecycleWorld;
let profiles: string;

before(async () => {
  world = await startWorld('security');
  profiles = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-e2e-seccomp-'));
  await fs.writeFile(
    path.join(profiles, 'block-chmod.json'),
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat","fchmodat2"],"action":"SCMP_ACT_ERRNO"}]}',
  );
  await fs.writeFile(
    path.join(profiles, 'block-hostname.json'),
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["sethostname"],"action":"SCMP_ACT_ERRNO"}]}',
  );
  await fs.writeFile(path.join(profiles, 'malformed.json'), '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [');
});
after(async () => {
  await stopWorld(world);
  if (profiles) await fs.rm(profiles, { recursive: true, force: true });
});

type Sc = Record<string, unknown>;

interface Running {
  podId: string;
  id: string;
  pod: PodSandboxConfig;
}

/** A pod (with `podSc` as its security context) and a started `sleep` container with `sc`. */
async function run(name: string, sc: Sc, podSc: Sc = {}, podExtra: PodSandboxConfig = {}): Promise<Running> {
  const client = world.daemon.client;
  const pod = podConfig(name, podExtra);
  pod.linux = {
    ...(pod.linux ?? {}),
    ...(podExtra.linux ?? {}),
    security_context: { ...pod.linux?.security_context, ...podSc },
  };
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], { linux: { security_context: sc } });
    const { container_id: id } = await client.runtime('CreateContainer', {
      pod_sandbox_id: podId,
      config,
      sandbox_config: pod,
    });
    await client.runtime('StartContainer', { container_id: id });
    return { podId, id, pod };
  } catch (err) {
    await remove({ podId, id: '', pod });
    throw err;
  }
}

async function exec(id: string, cmd: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd, timeout: 10 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.exit_code };
}

async function remove(running: Running): Promise<void> {
  await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: running.podId });
  await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: running.podId });
}

/** Runs `check` on a fresh pod+container and always removes them. */
async function within(
  name: string,
  sc: Sc,
  check: (r: Running) => Promise<void>,
  podSc: Sc = {},
  podExtra: PodSandboxConfig = {},
) {
  const running = await run(name, sc, podSc, podExtra);
  try {
    await check(running);
  } finally {
    await remove(running);
  }
}

async function statusField(id: string, field: string): Promise<string> {
  const { out } = await exec(id, ['grep', `${field}:`, '/proc/self/status']);
  return out.split(/\s+/)[1] ?? '';
}

/** CreateContainer must fail with `code` and leave no container behind. */
async function createFails(name: string, sc: Sc, code = 'INVALID_ARGUMENT'): Promise<void> {
  const client = world.daemon.client;
  const pod = podConfig(name);
  const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], { linux: { security_context: sc } });
    assert.equal(
      await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })),
      code,
    );
    assert.equal((await client.runtime('ListContainers', { filter: { pod_sandbox_id: podId } })).containers.length, 0);
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
}

describe('security context', () => {
  it('capabilities: default set, add, drop, ALL', async () => {
    await within('caps-default', {}, async ({ id }) =>
      assert.equal(await statusField(id, 'CapBnd'), '00000000a80425fb'),
    );
    await within(
      'caps-add',
      { capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['NET_RAW'] } },
      async ({ id }) => {
        const mask = BigInt(`0x${await statusField(id, 'CapEff')}`);
        assert.ok(mask & (1n << 12n), 'NET_ADMIN added');
        assert.ok(!(mask & (1n << 13n)), 'NET_RAW dropped');
      },
    );
    await within(
      'caps-drop-all',
      { capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['KILL'] } },
      async ({ id }) => assert.equal(await statusField(id, 'CapBnd'), '0000000000000020'),
    );
    await within('caps-add-all', { capabilities: { add_capabilities: ['ALL'] } }, async ({ id }) =>
      assert.equal(await statusField(id, 'CapBnd'), capabilityMask(runtimeCapabilities())),
    );
  });

  it('users and groups: run_as_user, run_as_group, supplemental groups, Merge and Strict, reported in status', async () => {
    const sc = { run_as_user: { value: 1000 }, run_as_group: { value: 3000 }, supplemental_groups: [1234, 5678] };
    await within('user', sc, async ({ id }) => {
      assert.equal((await exec(id, ['id', '-u'])).out.trim(), '1000');
      assert.equal((await exec(id, ['id', '-g'])).out.trim(), '3000');
      assert.deepEqual((await exec(id, ['id', '-G'])).out.trim().split(' ').sort(), ['1234', '3000', '5678']);
      const status = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
      assert.deepEqual(status.status!.user!.linux, {
        uid: '1000',
        gid: '3000',
        supplemental_groups: ['1234', '3000', '5678'],
      });
    });
    await within(
      'user-strict',
      { run_as_user: { value: 0 }, supplemental_groups: [1234], supplemental_groups_policy: 'Strict' },
      async ({ id }) => assert.deepEqual((await exec(id, ['id', '-G'])).out.trim().split(' ').sort(), ['0', '1234']),
    );
  });

  it('run_as_username resolves in the image; unknown names and group-without-user are refused', async () => {
    await within('username', { run_as_username: 'nobody' }, async ({ id }) => {
      assert.equal((await exec(id, ['id', '-un'])).out.trim(), 'nobody');
    });
    await createFails('bad-username', { run_as_username: 'no-such-user' });
    await createFails('group-only', { run_as_group: { value: 5 } });
  });

  it('read-only root, masked and read-only paths, no_new_privs', async () => {
    await within(
      'ro',
      { readonly_rootfs: true, masked_paths: ['/etc/hostname'], readonly_paths: ['/tmp'], no_new_privs: true },
      async ({ id }) => {
        assert.match((await exec(id, ['touch', '/newfile'])).err, /Read-only file system/);
        assert.equal((await exec(id, ['cat', '/etc/hostname'])).out, '');
        assert.match((await exec(id, ['touch', '/tmp/x'])).err, /Read-only file system/);
        assert.equal(await statusField(id, 'NoNewPrivs'), '1');
      },
    );
    // What kubelet sends for procMount: Default.
    const kubelet = { masked_paths: ['/proc/timer_list', '/proc/kcore'], readonly_paths: ['/proc/sys'] };
    await within('kubelet-lists', kubelet, async ({ id }) => {
      const timerList = await exec(id, ['sh', '-c', 'wc -c < /proc/timer_list']);
      assert.equal(timerList.out.trim(), '0', `/proc/timer_list is masked: ${timerList.err}`);
      assert.match((await exec(id, ['sh', '-c', 'echo 1 > /proc/sys/kernel/domainname'])).err, /Read-only file system/);
      assert.equal(await statusField(id, 'NoNewPrivs'), '0');
    });
    // Empty lists (procMount: Unmasked, or crictl's config): nothing masked, as under containerd.
    await within('empty-lists', {}, async ({ id }) => {
      const timerList = await exec(id, ['sh', '-c', 'wc -c < /proc/timer_list']);
      assert.notEqual(timerList.out.trim(), '0', '/proc/timer_list is not masked');
      const sys = await exec(id, ['sh', '-c', 'grep " /proc/sys " /proc/self/mountinfo | wc -l']);
      assert.equal(sys.out.trim(), '0', '/proc/sys is not remounted read-only');
    });
  });

  it('seccomp: nil and Unconfined run unfiltered, RuntimeDefault filters, also for exec', async () => {
    await within('sc-nil', {}, async ({ id }) => assert.equal(await statusField(id, 'Seccomp'), '0'));
    await within('sc-unconfined', { seccomp: { profile_type: 'Unconfined' } }, async ({ id }) =>
      assert.equal(await statusField(id, 'Seccomp'), '0'),
    );
    await within('sc-default', { seccomp: { profile_type: 'RuntimeDefault' } }, async ({ id }) => {
      assert.equal(await statusField(id, 'Seccomp'), '2');
      assert.equal((await exec(id, ['grep', 'Seccomp:', '/proc/1/status'])).out.split(/\s+/)[1], '2', 'the init too');
      assert.notEqual((await exec(id, ['unshare', '-u', 'true'])).code, 0);
      // Verbose status (what `corralctl inspect` prints) carries the effective settings.
      const verbose = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: true });
      const { security } = JSON.parse(verbose.info.info) as {
        security: { seccomp: string; capabilities: { boundingMask: string }; noNewPrivileges: boolean };
      };
      assert.equal(security.seccomp, 'runtime-default');
      assert.equal(security.capabilities.boundingMask, '00000000a80425fb');
      assert.equal(security.noNewPrivileges, false);
      // A streamed exec (kubectl/crictl exec) is confined by the same filter.
      const { url } = await world.daemon.client.runtime('Exec', {
        container_id: id,
        cmd: ['grep', 'Seccomp:', '/proc/self/status'],
        stdin: false,
        stdout: true,
        stderr: false,
        tty: false,
      });
      const stdout = new Collector();
      await runRemoteCommand(url, { stdout, tty: false });
      assert.match(stdout.text, /^Seccomp:\s+2$/m);
    });
    await within('sc-legacy', { seccomp_profile_path: 'runtime/default' }, async ({ id }) =>
      assert.equal(await statusField(id, 'Seccomp'), '2'),
    );
  });

  it('seccomp: Localhost profiles block what they name, even with CAP_SYS_ADMIN; privileged ignores them', async () => {
    const chmod = { seccomp: { profile_type: 'Localhost', localhost_ref: path.join(profiles, 'block-chmod.json') } };
    await within('sc-chmod', chmod, async ({ id }) => {
      const r = await exec(id, ['chmod', '400', '/']);
      assert.notEqual(r.code, 0);
      assert.match(r.err, /Operation not permitted/);
    });
    const hostname = { profile_type: 'Localhost', localhost_ref: path.join(profiles, 'block-hostname.json') };
    await within(
      'sc-hostname',
      { seccomp: hostname, capabilities: { add_capabilities: ['SYS_ADMIN'] } },
      async ({ id }) => assert.notEqual((await exec(id, ['hostname', 'ANewHostName'])).code, 0),
    );
    await within(
      'sc-unconfined-admin',
      { seccomp: { profile_type: 'Unconfined' }, capabilities: { add_capabilities: ['SYS_ADMIN'] } },
      async ({ id }) => assert.equal((await exec(id, ['hostname', 'ANewHostName'])).code, 0),
    );
    await within(
      'sc-privileged',
      { seccomp: hostname, privileged: true },
      async ({ id }) => assert.equal((await exec(id, ['hostname', 'ANewHostName'])).code, 0),
      { privileged: true },
    );
  });

  it('bad capability names, missing or malformed profiles, named AppArmor profiles: INVALID_ARGUMENT, nothing created', async () => {
    await createFails('bad-cap', { capabilities: { add_capabilities: ['NOT_A_CAP'] } });
    await createFails('missing-profile', {
      seccomp: { profile_type: 'Localhost', localhost_ref: path.join(profiles, 'none.json') },
    });
    await createFails('malformed-profile', {
      seccomp_profile_path: `localhost/${path.join(profiles, 'malformed.json')}`,
    });
    await createFails('apparmor', { apparmor: { profile_type: 'Localhost', localhost_ref: 'my-profile' } });
    await createFails('privileged-in-plain-pod', { privileged: true });
  });

  it('recursive read-only mounts must be read-only and private', async () => {
    const client = world.daemon.client;
    const pod = podConfig('rro');
    const { pod_sandbox_id: podId } = await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
    try {
      for (const mount of [
        { readonly: false },
        { readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' as const },
        { readonly: true, propagation: 'PROPAGATION_BIDIRECTIONAL' as const },
      ]) {
        const config = containerConfig(world.images.busybox, 'rro', ['sleep', '1000'], {
          mounts: [{ host_path: profiles, container_path: '/mnt', recursive_read_only: true, ...mount }],
        });
        assert.equal(
          await grpcCode(client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod })),
          'INVALID_ARGUMENT',
          JSON.stringify(mount),
        );
      }
    } finally {
      await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
      await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
    }
  });

  it('sysctls: namespaced ones are set in the pod; others refused at RunPodSandbox', async () => {
    const sysctls = { 'kernel.shm_rmid_forced': '1', 'net.ipv4.ip_unprivileged_port_start': '1024' };
    await within(
      'sysctl',
      {},
      async ({ id }) => {
        assert.equal((await exec(id, ['cat', '/proc/sys/kernel/shm_rmid_forced'])).out.trim(), '1');
        assert.equal((await exec(id, ['cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start'])).out.trim(), '1024');
      },
      {},
      { linux: { sysctls } },
    );
    const client = world.daemon.client;
    for (const bad of [{ 'kernel.panic': '1' }, { 'vm.swappiness': '1' }] as Record<string, string>[]) {
      const pod = podConfig('bad-sysctl');
      pod.linux!.sysctls = bad;
      assert.equal(
        await grpcCode(client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })),
        'INVALID_ARGUMENT',
      );
    }
    const hostNet = podConfig('hostnet-sysctl');
    hostNet.linux = {
      sysctls: { 'net.ipv4.ip_forward': '1' },
      security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } },
    };
    assert.equal(
      await grpcCode(client.runtime('RunPodSandbox', { config: hostNet, runtime_handler: '' })),
      'INVALID_ARGUMENT',
    );
    assert.equal((await client.runtime('ListPodSandbox', {})).items.length, 0, 'no pod was made');
  });

  it("user namespaces: NODE mode runs in the host's; bad mappings and modes are refused, nothing made", async () => {
    const client = world.daemon.client;
    const node = {
      namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', userns_options: { mode: 'NODE' } },
    };
    await within(
      'userns-node',
      {},
      async ({ id }) => {
        assert.match((await exec(id, ['cat', '/proc/self/uid_map'])).out, /^\s+0\s+0\s+4294967295\s*$/);
      },
      node,
    );
    const mapping = [{ container_id: 0, host_id: 200000, length: 65536 }];
    const invalid: UserNamespace[] = [
      { mode: 'POD', uids: [{ container_id: 1, host_id: 1000, length: 10 }], gids: mapping },
      { mode: 'POD', uids: [...mapping, { container_id: 0, host_id: 300000, length: 1 }], gids: mapping },
      { mode: 'POD', uids: mapping, gids: [] },
      { mode: 'NODE', uids: mapping, gids: mapping },
      { mode: 'CONTAINER' },
      { mode: 'TARGET' },
    ];
    for (const options of invalid) {
      const pod = podConfig('bad-userns');
      pod.linux!.security_context!.namespace_options!.userns_options = options;
      assert.equal(
        await grpcCode(client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })),
        'INVALID_ARGUMENT',
        JSON.stringify(options),
      );
    }
    assert.equal((await client.runtime('ListPodSandbox', {})).items.length, 0, 'no pod was made');
  });

  it('user namespaces: a POD mode pod runs as its mapped root over an idmapped rootfs', async () => {
    const mapping = [{ container_id: 0, host_id: 200000, length: 65536 }];
    const podSc = {
      namespace_options: {
        network: 'POD',
        pid: 'CONTAINER',
        ipc: 'POD',
        userns_options: { mode: 'POD', uids: mapping, gids: mapping },
      },
    };
    await within(
      'userns-pod',
      {},
      async ({ id }) => {
        assert.match((await exec(id, ['cat', '/proc/self/uid_map'])).out, /^\s+0\s+200000\s+65536\s*$/);
        assert.match((await exec(id, ['cat', '/proc/self/gid_map'])).out, /^\s+0\s+200000\s+65536\s*$/);
        assert.equal((await exec(id, ['id', '-u'])).out.trim(), '0');
        assert.equal(
          (await exec(id, ['stat', '-c', '%u:%g', '/bin/busybox', '/etc', '/etc/hosts'])).out,
          '0:0\n0:0\n0:0\n',
          "image files and what corral made belong to the container's root",
        );
        assert.equal(
          (
            await exec(id, [
              'sh',
              '-c',
              'echo written > /etc/new && chown 5:5 /etc/new && stat -c %u /etc/new && cat /etc/new',
            ])
          ).out,
          '5\nwritten\n',
        );
        assert.equal((await exec(id, ['touch', '/by-root'])).code, 0);
        const upper = path.join(world.daemon.dirs.root, 'snapshots', id, 'upper');
        const [byRoot, new5] = await Promise.all([
          fs.stat(path.join(upper, 'by-root')),
          fs.stat(path.join(upper, 'etc', 'new')),
        ]);
        assert.deepEqual(
          [byRoot.uid, byRoot.gid, new5.uid],
          [0, 0, 5],
          "on disk the ids are the container's own, as in the image",
        );
        assert.equal(
          (await exec(id, ['sh', '-c', 'echo x > /dev/null && head -c 4 /dev/zero | wc -c'])).out.trim(),
          '4',
        );
        assert.equal(
          (
            await exec(id, ['sh', '-c', 'ls /proc/1/ns/ >/dev/null && ls /sys/class/net >/dev/null; echo $?'])
          ).out.trim(),
          '0',
          '/proc and /sys are mounted',
        );
        const verbose = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: true });
        const pid = (JSON.parse(verbose.info.info) as { pid: number }).pid;
        const uids = (await fs.readFile(`/proc/${pid}/status`, 'utf8')).match(/^Uid:\s+(.*)$/m)?.[1].split(/\s+/);
        assert.deepEqual(uids, ['200000', '200000', '200000', '200000'], 'the host sees the mapped id');
      },
      podSc,
    );
    assert.equal((await world.daemon.client.runtime('ListPodSandbox', {})).items.length, 0);
  });

  it('Status advertises supplemental groups policy, recursive read-only mounts and user namespaces', async () => {
    const status = await world.daemon.client.runtime('Status', { verbose: false });
    assert.equal(status.features?.supplemental_groups_policy, true);
    const handler = status.runtime_handlers.find((h) => h.name === '');
    assert.deepEqual(handler?.features, { recursive_read_only_mounts: true, user_namespaces: true });
  });
});
