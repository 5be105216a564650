// Fields kubelet sends that corral ignores or refuses, each as docs/kubelet-compat.md lists it:
// SELinux options and relabel requests are accepted and ignored (a node without SELinux); an
// unknown runtime_handler is INVALID_ARGUMENT; CDI devices are FAILED_PRECONDITION naming the
// device, before anything is made; the pod sysctls kubelet's DefaultPodSysctls may add outside
// corral's namespaced list (kernel.domainname, user.*) are INVALID_ARGUMENT naming them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CriCallError } from '../../cli/cri_client';
import {
  containerConfig,
  eventually,
  grpcCode,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from './fixture';

const SELINUX = { user: 'system_u', role: 'system_r', type: 'container_t', level: 's0:c1,c2' };

describe('kubelet fields corral ignores or refuses', () => {
  let world: LifecycleWorld;
  let base: string;

  before(async () => {
    world = await startWorld('kubelet-fields');
    base = mkdtempSync(path.join(os.tmpdir(), 'corral-kubelet-fields-'));
  });

  after(async () => {
    rmSync(base, { recursive: true, force: true });
    await stopWorld(world);
  });

  async function runPod(name: string, extra: Record<string, unknown> = {}) {
    const config = podConfig(name, extra);
    const id = (await world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' })).pod_sandbox_id;
    return { id, config };
  }

  async function removePod(id: string): Promise<void> {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: id });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
  }

  it('SELinux options and selinux_relabel are accepted and ignored', async () => {
    const pod = await runPod('selinux', {
      linux: {
        security_context: {
          namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
          selinux_options: SELINUX,
        },
      },
    });
    try {
      const config = containerConfig(world.images.busybox, 'selinux', ['sleep', '1000'], {
        mounts: [{ host_path: base, container_path: '/data', selinux_relabel: true }],
        linux: {
          security_context: {
            namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
            selinux_options: SELINUX,
          },
        },
      });
      const { container_id: id } = await world.daemon.client.runtime('CreateContainer', {
        pod_sandbox_id: pod.id,
        config,
        sandbox_config: pod.config,
      });
      await world.daemon.client.runtime('StartContainer', { container_id: id });
      const r = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd: ['ls', '/data'], timeout: 10 });
      assert.equal(r.exit_code, 0, r.stderr.toString());
      const status = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
      assert.equal(status.status!.mounts.find((m) => m.container_path === '/data')?.selinux_relabel, true);
      // UpdateContainerResources' annotations are accepted and not used.
      await world.daemon.client.runtime('UpdateContainerResources', {
        container_id: id,
        linux: { cpu_shares: '512' },
        annotations: { 'example.com/resize': 'yes' },
      });
    } finally {
      await removePod(pod.id);
    }
  });

  it('the termination-log file kubelet mounts is reported with its host path, so kubelet reads the message', async () => {
    const pod = await runPod('termination');
    try {
      const logFile = path.join(base, 'termination-log');
      writeFileSync(logFile, '', { mode: 0o666 });
      const config = containerConfig(world.images.busybox, 'ends', ['sh', '-c', 'echo bye > /dev/termination-log'], {
        mounts: [{ host_path: logFile, container_path: '/dev/termination-log' }],
      });
      const { container_id: id } = await world.daemon.client.runtime('CreateContainer', {
        pod_sandbox_id: pod.id,
        config,
        sandbox_config: pod.config,
      });
      await world.daemon.client.runtime('StartContainer', { container_id: id });
      await eventually('the container exits', async () => {
        const s = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
        return s.status!.state === 'CONTAINER_EXITED';
      });
      const status = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
      const reported = status.status!.mounts.find((m) => m.container_path === '/dev/termination-log');
      assert.equal(reported?.host_path, logFile);
      assert.equal(readFileSync(reported.host_path, 'utf8'), 'bye\n');
    } finally {
      await removePod(pod.id);
    }
  });

  it('an unknown runtime_handler is INVALID_ARGUMENT naming it', async () => {
    const call = world.daemon.client.runtime('RunPodSandbox', {
      config: podConfig('handler'),
      runtime_handler: 'kata',
    });
    await assert.rejects(call, (err: Error) => {
      assert.ok(err instanceof CriCallError);
      assert.match(err.message, /INVALID_ARGUMENT.*runtime_handler "kata"/);
      return true;
    });
  });

  it('CDI devices are FAILED_PRECONDITION naming the device, and nothing is made', async () => {
    const pod = await runPod('cdi');
    try {
      const config = containerConfig(world.images.busybox, 'gpu', ['true'], {
        CDI_devices: [{ name: 'nvidia.com/gpu=0' }, { name: 'nvidia.com/gpu=1' }],
      });
      const call = world.daemon.client.runtime('CreateContainer', {
        pod_sandbox_id: pod.id,
        config,
        sandbox_config: pod.config,
      });
      await assert.rejects(call, (err: Error) => {
        assert.match(err.message, /FAILED_PRECONDITION: CDI device "nvidia.com\/gpu=0" \(and 1 more\)/);
        return true;
      });
      const listed = await world.daemon.client.runtime('ListContainers', { filter: { pod_sandbox_id: pod.id } });
      assert.equal(listed.containers.length, 0);
    } finally {
      await removePod(pod.id);
    }
  });

  it('pod sysctls outside the namespaced list (kernel.domainname, user.*) are INVALID_ARGUMENT naming them', async () => {
    for (const name of ['kernel.domainname', 'user.max_user_namespaces']) {
      const config = podConfig('sysctl', {
        linux: {
          sysctls: { [name]: '1' },
          security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
        },
      });
      const call = world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
      assert.equal(await grpcCode(call), 'INVALID_ARGUMENT', name);
      await assert.rejects(
        world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' }),
        new RegExp(name.replace('.', '\\.')),
      );
    }
    const listed = await world.daemon.client.runtime('ListPodSandbox', {});
    assert.equal(listed.items.length, 0);
  });
});
