// Real programs from Debian packages, run as users run them: the JVM sizes itself from the
// container's memory limit, python reads its memory limit and CPU quota from /sys/fs/cgroup, and
// nginx answers through the pod IP and through a port mapping. Images: testimages/program_images.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { containerConfig } from '../lifecycle/fixture';
import {
  execOk,
  freePort,
  removePod as removePodIn,
  runPod as runPodIn,
  startContainer,
  type RunningPod,
} from '../testing/pods';
import { httpGet, type NetworkWorld } from '../network/world';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import { pushImage } from '../testimages';
import { buildProgramImage, JAVA_HOME, NGINX_PORT, PYTHON, type ProgramName } from '../testimages/program_images';

const MiB = 1024 * 1024;
let world: NetworkWorld;
const refs = {} as Record<ProgramName, string>;

before(async () => {
  world = await acquireWorld('programs');
  for (const name of ['java', 'python', 'nginx'] as const) {
    await pushImage(world.registry, await buildProgramImage(name), `corral-test/${name}`, 'latest');
    refs[name] = `${world.registry.host}/corral-test/${name}:latest`;
    await world.daemon.client.image('PullImage', { image: { image: refs[name] }, auth: null });
  }
});
after(async () => {
  await releaseWorld();
});

const runPod = (name: string, extra: Record<string, unknown> = {}) => runPodIn(world.daemon.client, name, extra);
const removePod = (id: string) => removePodIn(world.daemon.client, id);

function start(pod: RunningPod, image: string, command: string[], resources: Record<string, string> = {}) {
  return startContainer(world.daemon.client, pod, containerConfig(image, 'app', command, { linux: { resources } }));
}

/** Output of a command that must succeed; the JVM starts slowly under emulation (the v2 guest). */
async function exec(id: string, cmd: string[]): Promise<string> {
  const { stdout, stderr } = await execOk(world.daemon.client, id, cmd, 300);
  return `${stdout}${stderr}`;
}

test('the JVM reports the container memory limit', async () => {
  const pod = await runPod('java');
  try {
    const id = await start(pod, refs.java, ['sleep', '1000'], { memory_limit_in_bytes: String(256 * MiB) });
    const out = await exec(id, [`${JAVA_HOME}/bin/java`, '-XshowSettings:system', '-version']);
    assert.match(out, /Memory Limit: 256\.00M/, out);
    assert.match(out, /Provider: cgroupv[12]/);
    // The heap is sized from the limit (a quarter of it by default), not from the host's RAM.
    const heap = await exec(id, [`${JAVA_HOME}/bin/java`, '-XX:+PrintFlagsFinal', '-version']);
    const maxHeap = Number(/\bMaxHeapSize\s+=\s+(\d+)/.exec(heap)?.[1]);
    assert.ok(maxHeap > 0 && maxHeap <= 128 * MiB, `MaxHeapSize ${maxHeap}`);
  } finally {
    await removePod(pod.id);
  }
});

/** What a library such as psutil or os.cpu_count-aware code does: find the cgroup files, read them. */
const PYTHON_LIMITS = `
import os
def read(p):
    with open(p) as f:
        return f.read().split()
if os.path.exists('/sys/fs/cgroup/cgroup.controllers'):
    mem = read('/sys/fs/cgroup/memory.max')[0]
    quota, period = read('/sys/fs/cgroup/cpu.max')
else:
    mem = read('/sys/fs/cgroup/memory/memory.limit_in_bytes')[0]
    quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')[0]
    period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')[0]
print('memory', int(mem) // (1024 * 1024), 'MiB')
print('cpus', int(quota) / int(period))
`;

test('python reads its memory limit and CPU quota from /sys/fs/cgroup', async () => {
  const pod = await runPod('python');
  try {
    const id = await start(pod, refs.python, ['sleep', '1000'], {
      memory_limit_in_bytes: String(192 * MiB),
      cpu_quota: '150000',
      cpu_period: '100000',
    });
    assert.equal(await exec(id, [PYTHON, '-S', '-c', PYTHON_LIMITS]), 'memory 192 MiB\ncpus 1.5\n');
  } finally {
    await removePod(pod.id);
  }
});

test('nginx answers through the pod IP and through a port mapping', async () => {
  const hostPort = await freePort();
  const pod = await runPod('nginx', {
    port_mappings: [{ protocol: 'TCP', container_port: NGINX_PORT, host_port: hostPort, host_ip: '127.0.0.1' }],
  });
  try {
    await start(pod, refs.nginx, []); // the image's own command
    const status = await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: pod.id, verbose: false });
    const podIp = status.status!.network!.ip;
    const expected = 'hello from nginx in nginx-host\n';
    let body = '';
    for (let i = 0; i < 100 && body !== expected; i++) {
      body = await httpGet(podIp, NGINX_PORT).catch(() => '');
      if (body !== expected) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(body, expected, 'through the pod IP');
    assert.equal(await httpGet('127.0.0.1', hostPort), expected, 'through the port mapping');
  } finally {
    await removePod(pod.id);
  }
});
