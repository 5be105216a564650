// A whole pods-and-containers subsystem over fakes, on temporary roots, plus sample configs.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerConfig } from '../container/container_config';
import { openLifecycle, type Lifecycle } from '../lifecycle';
import type { NamespaceOptions, PodConfig } from '../sandbox/pod_config';
import { FakeCgroupManager } from './fake_cgroups';
import { FakeHostMounts, FakePodNetwork } from './fake_host';
import { FakeImages, FakeSnapshotter } from './fake_images';
import { FakeProcessRuntime, FakeSandboxRuntime } from './fake_process_runtime';

export interface FakeWorld {
  dir: string;
  processes: FakeProcessRuntime;
  infra: FakeSandboxRuntime;
  cgroups: FakeCgroupManager;
  images: FakeImages;
  snapshots: FakeSnapshotter;
  network: FakePodNetwork;
  mounts: FakeHostMounts;
  deadInfra: Set<number>;
}

export async function makeFakeWorld(): Promise<FakeWorld> {
  return {
    dir: await fs.mkdtemp(path.join(os.tmpdir(), 'corral-lifecycle-')),
    processes: new FakeProcessRuntime(),
    infra: new FakeSandboxRuntime(),
    cgroups: new FakeCgroupManager(),
    images: new FakeImages(),
    snapshots: new FakeSnapshotter(),
    network: new FakePodNetwork(),
    mounts: new FakeHostMounts(),
    deadInfra: new Set(),
  };
}

/** Opens (or reopens, as after a restart) the subsystem over the world's fakes and roots. */
export function openFakeLifecycle(world: FakeWorld): Promise<Lifecycle> {
  return openLifecycle(
    {
      ...world,
      isAlive: async (ref) => !world.deadInfra.has(ref.pid),
    },
    {
      root: path.join(world.dir, 'root'),
      state: path.join(world.dir, 'state'),
      rootfsMode: 'pivot_root',
      defaultCgroupParent: '/corral-test',
    },
  );
}

export function namespaceOptions(overrides: Partial<NamespaceOptions> = {}): NamespaceOptions {
  return { network: 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '', ...overrides };
}

export function samplePodConfig(name = 'web', overrides: Partial<PodConfig> = {}): PodConfig {
  return {
    metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
    hostname: name,
    logDirectory: '',
    dns: null,
    portMappings: [],
    labels: { app: name },
    annotations: {},
    cgroupParent: '',
    sysctls: {},
    namespaces: namespaceOptions(),
    privileged: false,
    runtimeHandler: '',
    userNamespace: null,
    seccomp: null,
    seccompProfilePath: '',
    apparmor: null,
    apparmorProfile: '',
    ...overrides,
  };
}

export function sampleContainerConfig(name = 'app', overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox', annotations: {}, userSpecifiedImage: '', runtimeHandler: '' },
    command: ['sleep', '1000'],
    args: [],
    workingDir: '',
    envs: [],
    mounts: [],
    labels: { tier: 'front' },
    annotations: {},
    logPath: '',
    stdin: false,
    stdinOnce: false,
    tty: false,
    stopSignal: '',
    security: {
      capabilities: null,
      privileged: false,
      namespaces: namespaceOptions(),
      runAsUser: null,
      runAsUsername: '',
      runAsGroup: null,
      readonlyRootfs: false,
      supplementalGroups: [],
      noNewPrivs: false,
      maskedPaths: [],
      readonlyPaths: [],
      supplementalGroupsPolicy: 'Merge',
      seccomp: null,
      seccompProfilePath: '',
      apparmor: null,
      apparmorProfile: '',
    },
    ...overrides,
  };
}
