// Hostile input over the CRI: each request below must get its exact gRPC code within a second
// and change nothing (no pod, container, directory or file made, inside the roots or outside).
// Valid input in the shapes kubelet and critest send is accepted alongside.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CriClient } from '../../cli/cri_client';
import {
  containerConfig,
  grpcCode,
  podConfig,
  startWorld,
  stopWorld,
  type LifecycleWorld,
  type PodConfig,
} from './fixture';

let world: LifecycleWorld;
let hostile: CriClient;
let podId = '';
let pod: PodConfig;
let containerId = '';

const MiB = 1 << 20;
/** Past gRPC's 4 MiB receive cap: refused from the frame header, before it is read. */
const HUGE = 'a'.repeat(10 * MiB);
/** Within the message cap, past every field's own cap. */
const BIG = 'a'.repeat(2 * MiB);
/** A relative directory that must never appear (relative to corrald's cwd or the test's). */
const OUTSIDE = `corral-hostile-${process.pid}`;

before(async () => {
  world = await startWorld('hostile');
  hostile = new CriClient(world.daemon.client.endpoint, 5_000);
  pod = podConfig('hostile-base');
  ({ pod_sandbox_id: podId } = await world.daemon.client.runtime('RunPodSandbox', {
    config: pod,
    runtime_handler: '',
  }));
  ({ container_id: containerId } = await world.daemon.client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config: containerConfig(world.images.busybox, 'base', ['sleep', '1000']),
    sandbox_config: pod,
  }));
  await world.daemon.client.runtime('StartContainer', { container_id: containerId });
});
after(async () => {
  hostile?.close();
  // Every pod, including any a hostile request was wrongly allowed to make.
  for (const { id } of (await world.daemon.client.runtime('ListPodSandbox', {})).items) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: id });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
  }
  await stopWorld(world);
});

/** Hostile payloads: CRI-shaped, but with values the CRI types would never allow. */
type Patch = Record<string, unknown>;

function runPod(patch: Patch, runtimeHandler = ''): Promise<unknown> {
  const config = podConfig('hostile', patch);
  return hostile.runtime('RunPodSandbox', { config, runtime_handler: runtimeHandler });
}

function podWithSecurity(security: Patch): Promise<unknown> {
  const base = podConfig('hostile');
  return runPod({ linux: { security_context: { ...base.linux?.security_context, ...security } } });
}

let created = 0;

/** A create in the base pod; each under its own name, so one wrongly accepted cannot mask the next. */
function createContainer(patch: Patch, command = ['true']): Promise<unknown> {
  const config = containerConfig(world.images.busybox, `hostile-${created++}`, command, patch);
  return hostile.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
}

function createWithSecurity(security: Patch): Promise<unknown> {
  return createContainer({ linux: { security_context: security } });
}

const ns = (extra: Patch) => ({ network: 'POD', pid: 'CONTAINER', ipc: 'POD', ...extra });

interface Case {
  name: string;
  call: () => Promise<unknown>;
  code: string;
}

const CASES: Case[] = [
  // Pod metadata and hostname (kubelet sends DNS-1123 names; critest mixed-case ones).
  {
    name: 'pod name with /',
    call: () => runPod({ metadata: { name: 'a/b', namespace: 'e2e', uid: 'u1' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod name ..',
    call: () => runPod({ metadata: { name: '..', namespace: 'e2e', uid: 'u2' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod name with NUL',
    call: () => runPod({ metadata: { name: 'a\0b', namespace: 'e2e', uid: 'u3' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod name with newline',
    call: () => runPod({ metadata: { name: 'a\nb', namespace: 'e2e', uid: 'u4' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod name of 10 MiB',
    call: () => runPod({ metadata: { name: HUGE, namespace: 'e2e', uid: 'u5' } }),
    code: 'RESOURCE_EXHAUSTED',
  },
  {
    name: 'pod namespace with /',
    call: () => runPod({ metadata: { name: 'p', namespace: '../x', uid: 'u6' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod uid with /',
    call: () => runPod({ metadata: { name: 'p', namespace: 'e2e', uid: '../../x' } }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'hostname with /', call: () => runPod({ hostname: 'a/b' }), code: 'INVALID_ARGUMENT' },
  { name: 'hostname with NUL', call: () => runPod({ hostname: 'a\0b' }), code: 'INVALID_ARGUMENT' },
  { name: 'hostname of 65 characters', call: () => runPod({ hostname: 'h'.repeat(65) }), code: 'INVALID_ARGUMENT' },
  // resolv.conf injection and DNS shape.
  {
    name: 'DNS search with newline',
    call: () => runPod({ dns_config: { servers: [], searches: ['a.com\nnameserver 6.6.6.6'], options: [] } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'DNS option with newline',
    call: () => runPod({ dns_config: { servers: [], searches: [], options: ['ndots:5\nnameserver 6.6.6.6'] } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'DNS server not an IP',
    call: () => runPod({ dns_config: { servers: ['8.8.8.8\nsearch evil'], searches: [], options: [] } }),
    code: 'INVALID_ARGUMENT',
  },
  // Ports.
  {
    name: 'container port 70000',
    call: () => runPod({ port_mappings: [{ protocol: 'TCP', container_port: 70000, host_port: 0 }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'host port -1',
    call: () => runPod({ port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: -1 }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'port protocol unknown',
    call: () => runPod({ port_mappings: [{ protocol: 9, container_port: 80, host_port: 0 }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'host IP not an IP',
    call: () => runPod({ port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: 'x' }] }),
    code: 'INVALID_ARGUMENT',
  },
  // Enums, handler, directories, sizes.
  {
    name: 'pod network namespace mode 7',
    call: () => podWithSecurity({ namespace_options: ns({ network: 7 }) }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod run_as_user -1',
    call: () => podWithSecurity({ run_as_user: { value: '-1' } }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'unknown runtime handler', call: () => runPod({}, 'no-such-handler'), code: 'INVALID_ARGUMENT' },
  { name: 'relative log_directory', call: () => runPod({ log_directory: OUTSIDE }), code: 'INVALID_ARGUMENT' },
  {
    name: 'log_directory with ..',
    call: () => runPod({ log_directory: `/tmp/../tmp/${OUTSIDE}` }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'log_directory with NUL', call: () => runPod({ log_directory: '/tmp/a\0b' }), code: 'INVALID_ARGUMENT' },
  { name: 'log_directory of 2 MiB', call: () => runPod({ log_directory: `/${BIG}` }), code: 'INVALID_ARGUMENT' },
  {
    name: 'cgroup_parent of 10 MiB',
    call: () => runPod({ linux: { cgroup_parent: `/${HUGE}` } }),
    code: 'RESOURCE_EXHAUSTED',
  },

  // Containers.
  {
    name: 'container name with /',
    call: () => createContainer({ metadata: { name: 'a/b' } }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'container name ..', call: () => createContainer({ metadata: { name: '..' } }), code: 'INVALID_ARGUMENT' },
  {
    name: 'container name with NUL',
    call: () => createContainer({ metadata: { name: 'a\0' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'container name with newline',
    call: () => createContainer({ metadata: { name: 'a\nb' } }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'image of 2 MiB', call: () => createContainer({ image: { image: BIG } }), code: 'INVALID_ARGUMENT' },
  { name: 'empty command element', call: () => createContainer({}, ['']), code: 'INVALID_ARGUMENT' },
  { name: 'args of 2 MiB', call: () => createContainer({ args: [BIG] }), code: 'INVALID_ARGUMENT' },
  {
    name: 'args of 200 KiB',
    call: () => createContainer({ args: ['a'.repeat(200 * 1024)] }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'args of 10 MiB', call: () => createContainer({ args: [HUGE] }), code: 'RESOURCE_EXHAUSTED' },
  {
    name: 'env of 2 MiB',
    call: () => createContainer({ envs: [{ key: 'BIG', value: Buffer.from(BIG) }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'env key with =',
    call: () => createContainer({ envs: [{ key: 'A=B', value: Buffer.from('c') }] }),
    code: 'INVALID_ARGUMENT',
  },
  { name: 'relative working_dir', call: () => createContainer({ working_dir: 'tmp' }), code: 'INVALID_ARGUMENT' },
  { name: 'log_path with ..', call: () => createContainer({ log_path: '../escape.log' }), code: 'INVALID_ARGUMENT' },
  { name: 'absolute log_path', call: () => createContainer({ log_path: '/tmp/escape.log' }), code: 'INVALID_ARGUMENT' },
  {
    name: 'log_path over PATH_MAX',
    call: () => createContainer({ log_path: `${'l'.repeat(5000)}.log` }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'host path with NUL',
    call: () => createContainer({ mounts: [{ container_path: '/data', host_path: '/tmp\0x' }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'mount propagation 9',
    call: () => createContainer({ mounts: [{ container_path: '/data', host_path: '/tmp', propagation: 9 }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'device permissions rwx',
    call: () =>
      createContainer({ devices: [{ container_path: '/dev/x', host_path: '/dev/null', permissions: 'rwx' }] }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'run_as_user -1',
    call: () => createWithSecurity({ run_as_user: { value: '-1' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'container pid namespace mode 9',
    call: () => createWithSecurity({ namespace_options: ns({ pid: 9 }) }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'oom_score_adj 1001',
    call: () => createContainer({ linux: { resources: { oom_score_adj: '1001' } } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'oom_score_adj -1001',
    call: () => createContainer({ linux: { resources: { oom_score_adj: '-1001' } } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'update oom_score_adj 5000',
    call: () =>
      hostile.runtime('UpdateContainerResources', { container_id: containerId, linux: { oom_score_adj: '5000' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'exec with an empty command',
    call: () => hostile.runtime('ExecSync', { container_id: containerId, cmd: [''], timeout: 1 }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'exec with a negative timeout',
    call: () => hostile.runtime('ExecSync', { container_id: containerId, cmd: ['true'], timeout: -1 }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod label key of 100 KiB',
    call: () => runPod({ labels: { ['k'.repeat(100 * 1024)]: 'v' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod label value with a newline',
    call: () => runPod({ labels: { app: 'a\nb' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod annotations of 1 MiB',
    call: () => runPod({ annotations: { a: BIG.slice(0, 600 * 1024), b: BIG.slice(0, 600 * 1024) } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'container annotation key with a newline',
    call: () => createContainer({ annotations: { 'a\nb': 'v' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'container label key of 318 characters',
    call: () => createContainer({ labels: { ['k'.repeat(318)]: 'v' } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'exec with a NUL',
    call: () => hostile.runtime('ExecSync', { container_id: containerId, cmd: ['a\0b'], timeout: 1 }),
    code: 'INVALID_ARGUMENT',
  },

  // Images and runtime config.
  {
    name: 'pull of a 10 MiB image',
    call: () => hostile.image('PullImage', { image: { image: HUGE }, auth: null }),
    code: 'RESOURCE_EXHAUSTED',
  },
  {
    name: 'status of a 2 MiB image',
    call: () => hostile.image('ImageStatus', { image: { image: BIG } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'remove of a 2 MiB image',
    call: () => hostile.image('RemoveImage', { image: { image: BIG } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pull of a malformed reference',
    call: () => hostile.image('PullImage', { image: { image: 'a b/c' }, auth: null }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pull from port 99999',
    call: () => hostile.image('PullImage', { image: { image: '127.0.0.1:99999/x' }, auth: null }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'pod_cidr of 10 MiB',
    call: () => hostile.runtime('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: HUGE } } }),
    code: 'RESOURCE_EXHAUSTED',
  },
  {
    name: 'pod_cidr not a CIDR',
    call: () =>
      hostile.runtime('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.0.0.0/99' } } }),
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'status of a 2 MiB container ID',
    call: () => hostile.runtime('ContainerStatus', { container_id: BIG }),
    code: 'INVALID_ARGUMENT',
  },
];

/**
 * Paths below `dir`, not entering mounts (a pod's /proc pin shows the host's changing network
 * devices; a rootfs shows the image), nor what earlier removals moved to the trash (it goes after
 * their replies, at its own pace), nor what containers wrote.
 */
function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const device = lstatSync(dir).dev;
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (child === 'trash' || entry.name.startsWith('.trash-') || child.includes('/upper/')) continue;
      found.push(child);
      if (entry.isDirectory() && lstatSync(path.join(dir, child)).dev === device) walk(child);
    }
  };
  walk('');
  return found;
}

/** What corrald has made: its objects, and every directory a request could have added. */
async function footprint(): Promise<string> {
  const client = world.daemon.client;
  const pods = (await client.runtime('ListPodSandbox', {})).items.map((p) => p.id).sort();
  const containers = (await client.runtime('ListContainers', {})).containers.map((c) => c.id).sort();
  const dirs = world.daemon.dirs;
  return JSON.stringify({
    pods,
    containers,
    // cache/ holds corrald's own V8 code cache, saved a second after its first start.
    root: listing(dirs.root)
      .filter((p) => !p.startsWith('image/') && p !== 'cache' && !p.startsWith('cache/'))
      .sort(),
    state: listing(dirs.state).sort(),
    outside: [OUTSIDE, path.join('/tmp', OUTSIDE)].filter((p) => existsSync(p)),
    podCidr: (await client.runtime('Status', { verbose: true })).info.config?.includes('"pod_cidr":""'),
  });
}

describe('hostile input gets its exact code within a second and changes nothing', () => {
  for (const c of CASES) {
    it(c.name, async (t) => {
      const before = await footprint();
      const started = performance.now();
      const code = await grpcCode(c.call());
      const ms = performance.now() - started;
      t.diagnostic(`${code} in ${Math.round(ms)} ms`);
      assert.equal(code, c.code);
      assert.ok(ms < 1000, `answered in ${Math.round(ms)} ms`);
      assert.equal(await footprint(), before, 'nothing was made');
    });
  }
});

describe('valid input in the shapes kubelet and critest send is accepted', () => {
  const shapes: Array<[string, Patch, Patch]> = [
    [
      'kubelet',
      {
        metadata: {
          name: 'web-7d9f8b6c5d-x2x9z',
          namespace: 'kube-system',
          uid: '0c8f0a4e-6f0e-4a8e-9d7b-3f3c2a1b0e9d',
        },
        hostname: 'web-7d9f8b6c5d-x2x9z',
        labels: {
          'io.kubernetes.pod.name': 'web-7d9f8b6c5d-x2x9z',
          'io.kubernetes.pod.namespace': 'kube-system',
          'io.kubernetes.pod.uid': '0c8f0a4e-6f0e-4a8e-9d7b-3f3c2a1b0e9d',
          'app.kubernetes.io/name': 'web',
        },
        annotations: {
          'kubernetes.io/config.source': 'api',
          'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1",\n"kind":"Pod"}\n',
        },
      },
      {
        metadata: { name: 'nginx', attempt: 1 },
        labels: { 'io.kubernetes.container.name': 'nginx', 'io.kubernetes.pod.name': 'web-7d9f8b6c5d-x2x9z' },
        annotations: {
          'io.kubernetes.container.hash': '8d5f0a1b',
          'io.kubernetes.container.ports': '[{"name":"http","containerPort":80,"protocol":"TCP"}]',
        },
      },
    ],
    [
      'critest',
      {
        metadata: { name: 'PodSandbox-for-create-test-4a5b', namespace: 'cri-test-namespace4a5b', uid: 'uid-4a5b' },
        hostname: '',
      },
      { metadata: { name: 'Container-for-create-test_4a5b' } },
    ],
    [
      'host network',
      {
        metadata: {
          name: 'kube-proxy-node1.example.com',
          namespace: 'kube-system',
          uid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        },
        hostname: 'Node-1.example.com',
        dns_config: {
          servers: ['10.96.0.10', 'fd00::a'],
          searches: ['default.svc.cluster.local', 'svc.cluster.local'],
          options: ['ndots:5', 'edns0'],
        },
        port_mappings: [
          { protocol: 'UDP', container_port: 53, host_port: 0 },
          { protocol: 'TCP', container_port: 65535, host_port: 65535, host_ip: '127.0.0.1' },
        ],
      },
      { metadata: { name: 'kube-proxy' } },
    ],
  ];
  for (const [name, podPatch, containerPatch] of shapes) {
    it(name, async () => {
      const client = world.daemon.client;
      const config = podConfig('valid', podPatch);
      config.log_directory = path.join(world.daemon.dirs.base, 'logs', name.replace(/ /g, '-'));
      const { pod_sandbox_id: id } = await client.runtime('RunPodSandbox', { config, runtime_handler: '' });
      try {
        const container = containerConfig(world.images.busybox, 'c', ['sh', '-c', 'exit 0'], {
          ...containerPatch,
          log_path: `${(containerPatch.metadata as { name: string }).name}/0.log`,
          args: [''],
          working_dir: '/tmp',
          linux: { resources: { oom_score_adj: '-997' }, security_context: { run_as_user: { value: '0' } } },
        });
        await client.runtime('CreateContainer', { pod_sandbox_id: id, config: container, sandbox_config: config });
      } finally {
        await client.runtime('StopPodSandbox', { pod_sandbox_id: id });
        await client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
      }
    });
  }
});
