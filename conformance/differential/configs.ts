// The CRI configs the differential suite runs through both runtimes: pod groups (one sandbox
// each, shared by its configs) and container configs, each built from the run's context so that
// every runtime gets its own host paths and log directory but otherwise the same request.
import type { ContainerConfig } from '../../proto/generated/runtime/v1/ContainerConfig';
import type { LinuxContainerResources } from '../../proto/generated/runtime/v1/LinuxContainerResources';
import type { LinuxContainerSecurityContext } from '../../proto/generated/runtime/v1/LinuxContainerSecurityContext';
import type { LinuxSandboxSecurityContext } from '../../proto/generated/runtime/v1/LinuxSandboxSecurityContext';
import type { Mount } from '../../proto/generated/runtime/v1/Mount';
import type { NamespaceOption } from '../../proto/generated/runtime/v1/NamespaceOption';
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import { PROBE_PATH } from './probe_script';
import type { ProbeImages } from './probe_image';

export interface ConfigContext {
  images: ProbeImages;
  /** This runtime's own host directory for bind mounts (see host_fixture.ts). */
  hostDir: string;
  seccompProfile: string;
  /** A host char device outside the default device rules (host_fixture.ts). */
  spareDevice: string;
  /** A running container of the same pod, for TARGET namespace mode. */
  targetId?: string;
}

export interface PodGroup {
  name: string;
  /** Extra PodSandboxConfig fields (linux.security_context comes from podSecurity). */
  pod?: PodSandboxConfig;
  /** Over the default pod security context (kubelet's namespace options). */
  podSecurity?: LinuxSandboxSecurityContext;
  /** Start a long-running container first (its id becomes ctx.targetId). */
  needsTarget?: boolean;
}

export interface DiffConfig {
  name: string;
  pod: string;
  /** ContainerConfig fields over the defaults; `linux.security_context` merges with the default. */
  container: (ctx: ConfigContext) => ContainerConfig;
  /** exec: the container sleeps and the probe runs through ExecSync (what an exec'd process sees). */
  via?: 'exec';
}

/** What kubelet sends for a pod without shareProcessNamespace or host namespaces. */
export const KUBELET_NAMESPACES: NamespaceOption = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' };

/** The masked and read-only paths kubelet sends for procMount Default (its own copy of runc's). */
const KUBELET_MASKED = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
const KUBELET_READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const USERNS_MAP = [{ host_id: 200000, container_id: 0, length: 65536 }];

export const POD_GROUPS: PodGroup[] = [
  { name: 'default' },
  { name: 'privileged', podSecurity: { privileged: true } },
  // kubelet sends no hostname for a host-network pod: it keeps the node's UTS namespace.
  {
    name: 'hostnet',
    pod: { hostname: '' },
    podSecurity: { namespace_options: { ...KUBELET_NAMESPACES, network: 'NODE' } },
  },
  { name: 'hostpid', podSecurity: { namespace_options: { ...KUBELET_NAMESPACES, pid: 'NODE' } } },
  { name: 'hostipc', podSecurity: { namespace_options: { ...KUBELET_NAMESPACES, ipc: 'NODE' } } },
  { name: 'sharedpid', podSecurity: { namespace_options: { ...KUBELET_NAMESPACES, pid: 'POD' } } },
  { name: 'target', needsTarget: true },
  {
    name: 'sysctls',
    pod: {
      linux: {
        sysctls: {
          'kernel.shm_rmid_forced': '1',
          'kernel.msgmax': '16384',
          'net.ipv4.ping_group_range': '0 2147483647',
          'net.ipv4.ip_unprivileged_port_start': '80',
        },
      },
    },
  },
  {
    name: 'userns',
    podSecurity: {
      namespace_options: { ...KUBELET_NAMESPACES, userns_options: { mode: 'POD', uids: USERNS_MAP, gids: USERNS_MAP } },
    },
  },
  {
    name: 'dns',
    pod: {
      dns_config: {
        servers: ['10.96.0.10'],
        searches: ['diff.svc.cluster.local', 'svc.cluster.local'],
        options: ['ndots:5'],
      },
    },
  },
];

const sc = (securityContext: LinuxContainerSecurityContext): ContainerConfig => ({
  linux: { security_context: securityContext },
});
const resources = (r: LinuxContainerResources): ContainerConfig => ({ linux: { resources: r } });
const mounts = (list: Mount[]): ContainerConfig => ({ mounts: list });

export const CONFIGS: DiffConfig[] = [
  { name: 'default', pod: 'default', container: () => ({}) },
  {
    name: 'kubelet-default',
    pod: 'default',
    container: () =>
      sc({
        namespace_options: KUBELET_NAMESPACES,
        masked_paths: KUBELET_MASKED,
        readonly_paths: KUBELET_READONLY,
        seccomp: { profile_type: 'Unconfined' },
      }),
  },
  { name: 'namespace-options-unset', pod: 'default', container: () => sc({ namespace_options: null }) },
  { name: 'privileged', pod: 'privileged', container: () => sc({ privileged: true }) },
  { name: 'privileged-pod-plain-container', pod: 'privileged', container: () => ({}) },
  { name: 'readonly-rootfs', pod: 'default', container: () => sc({ readonly_rootfs: true }) },
  { name: 'pid-container', pod: 'default', container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES } }) },
  {
    name: 'pid-pod-in-unshared-pod',
    pod: 'default',
    container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES, pid: 'POD' } }),
  },
  {
    name: 'pid-pod-shared',
    pod: 'sharedpid',
    container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES, pid: 'POD' } }),
  },
  {
    name: 'pid-node',
    pod: 'hostpid',
    container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES, pid: 'NODE' } }),
  },
  {
    name: 'pid-target',
    pod: 'target',
    container: (ctx) => sc({ namespace_options: { ...KUBELET_NAMESPACES, pid: 'TARGET', target_id: ctx.targetId } }),
  },
  {
    name: 'host-network',
    pod: 'hostnet',
    container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES, network: 'NODE' } }),
  },
  {
    name: 'host-ipc',
    pod: 'hostipc',
    container: () => sc({ namespace_options: { ...KUBELET_NAMESPACES, ipc: 'NODE' } }),
  },
  { name: 'run-as-user', pod: 'default', container: () => sc({ run_as_user: { value: 1000 } }) },
  {
    name: 'run-as-user-group',
    pod: 'default',
    container: () => sc({ run_as_user: { value: 1001 }, run_as_group: { value: 3000 } }),
  },
  { name: 'run-as-username', pod: 'default', container: () => sc({ run_as_username: 'tester' }) },
  {
    name: 'supplemental-groups',
    pod: 'default',
    container: () => sc({ run_as_user: { value: 1000 }, supplemental_groups: [1234, 5678] }),
  },
  {
    name: 'supplemental-groups-merge',
    pod: 'default',
    container: () => sc({ run_as_username: 'tester', supplemental_groups_policy: 'Merge' }),
  },
  {
    name: 'supplemental-groups-strict',
    pod: 'default',
    container: () => sc({ run_as_username: 'tester', supplemental_groups_policy: 'Strict' }),
  },
  { name: 'image-user', pod: 'default', container: (ctx) => ({ image: { image: ctx.images.probeUser } }) },
  {
    name: 'image-user-run-as-root',
    pod: 'default',
    container: (ctx) => ({ image: { image: ctx.images.probeUser }, ...sc({ run_as_user: { value: 0 } }) }),
  },
  {
    name: 'caps-add-drop',
    pod: 'default',
    container: () =>
      sc({ capabilities: { add_capabilities: ['NET_ADMIN', 'SYS_TIME'], drop_capabilities: ['NET_RAW'] } }),
  },
  { name: 'caps-drop-all', pod: 'default', container: () => sc({ capabilities: { drop_capabilities: ['ALL'] } }) },
  {
    name: 'caps-drop-all-add-one',
    pod: 'default',
    container: () => sc({ capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['KILL'] } }),
  },
  { name: 'caps-add-all', pod: 'default', container: () => sc({ capabilities: { add_capabilities: ['ALL'] } }) },
  {
    name: 'caps-non-root',
    pod: 'default',
    container: () => sc({ run_as_user: { value: 1000 }, capabilities: { add_capabilities: ['NET_BIND_SERVICE'] } }),
  },
  { name: 'no-new-privs', pod: 'default', container: () => sc({ no_new_privs: true }) },
  {
    name: 'seccomp-runtime-default',
    pod: 'default',
    container: () => sc({ seccomp: { profile_type: 'RuntimeDefault' } }),
  },
  { name: 'seccomp-unconfined', pod: 'default', container: () => sc({ seccomp: { profile_type: 'Unconfined' } }) },
  {
    name: 'seccomp-localhost',
    pod: 'default',
    container: (ctx) => sc({ seccomp: { profile_type: 'Localhost', localhost_ref: ctx.seccompProfile } }),
  },
  {
    name: 'masked-custom',
    pod: 'default',
    container: () => sc({ masked_paths: ['/proc/cpuinfo', '/sys/firmware'], readonly_paths: ['/proc/sys'] }),
  },
  {
    name: 'mount-readonly',
    pod: 'default',
    container: (ctx) => mounts([{ container_path: '/mnt/ro', host_path: `${ctx.hostDir}/vol`, readonly: true }]),
  },
  {
    name: 'mount-recursive-readonly',
    pod: 'default',
    container: (ctx) =>
      mounts([
        {
          container_path: '/mnt/rro',
          host_path: `${ctx.hostDir}/tree`,
          readonly: true,
          recursive_read_only: true,
          propagation: 'PROPAGATION_PRIVATE',
        },
      ]),
  },
  {
    name: 'mount-readonly-with-submount',
    pod: 'default',
    container: (ctx) => mounts([{ container_path: '/mnt/tree', host_path: `${ctx.hostDir}/tree`, readonly: true }]),
  },
  {
    name: 'mount-private',
    pod: 'default',
    container: (ctx) =>
      mounts([
        { container_path: '/mnt/private', host_path: `${ctx.hostDir}/shared`, propagation: 'PROPAGATION_PRIVATE' },
      ]),
  },
  {
    name: 'mount-rslave',
    pod: 'default',
    container: (ctx) =>
      mounts([
        {
          container_path: '/mnt/rslave',
          host_path: `${ctx.hostDir}/shared`,
          propagation: 'PROPAGATION_HOST_TO_CONTAINER',
        },
      ]),
  },
  {
    name: 'mount-rshared',
    pod: 'privileged',
    container: (ctx) => ({
      ...mounts([
        {
          container_path: '/mnt/rshared',
          host_path: `${ctx.hostDir}/shared`,
          propagation: 'PROPAGATION_BIDIRECTIONAL',
        },
      ]),
      ...sc({ privileged: true }),
    }),
  },
  {
    name: 'mount-file',
    pod: 'default',
    container: (ctx) => mounts([{ container_path: '/mnt/file.txt', host_path: `${ctx.hostDir}/file.txt` }]),
  },
  {
    name: 'mount-over-image-dir',
    pod: 'default',
    container: (ctx) => mounts([{ container_path: '/data', host_path: `${ctx.hostDir}/vol` }]),
  },
  {
    name: 'mount-missing-host-path',
    pod: 'default',
    container: (ctx) => mounts([{ container_path: '/mnt/missing', host_path: `${ctx.hostDir}/missing/dir` }]),
  },
  {
    name: 'devices',
    pod: 'default',
    container: (ctx) => ({
      devices: [
        { container_path: '/dev/probe-null', host_path: '/dev/null', permissions: 'rwm' },
        // Not among the default rules, so the cgroup's "r" is what keeps it from being opened for writing.
        { container_path: '/dev/probe-loop', host_path: ctx.spareDevice, permissions: 'r' },
      ],
    }),
  },
  { name: 'sysctls', pod: 'sysctls', container: () => ({}) },
  {
    name: 'resources-cpu',
    pod: 'default',
    container: () => resources({ cpu_shares: 512, cpu_quota: 50000, cpu_period: 100000 }),
  },
  { name: 'resources-cpuset', pod: 'default', container: () => resources({ cpuset_cpus: '0', cpuset_mems: '0' }) },
  { name: 'resources-memory', pod: 'default', container: () => resources({ memory_limit_in_bytes: 64 * 1024 * 1024 }) },
  {
    name: 'resources-hugepages',
    pod: 'default',
    container: () => resources({ hugepage_limits: [{ page_size: '2MB', limit: 0 }] }),
  },
  { name: 'resources-oom-score-adj', pod: 'default', container: () => resources({ oom_score_adj: 500 }) },
  { name: 'tty', pod: 'default', container: () => ({ tty: true }) },
  { name: 'tty-stdin', pod: 'default', container: () => ({ tty: true, stdin: true }) },
  { name: 'stdin-once', pod: 'default', container: () => ({ stdin: true, stdin_once: true }) },
  { name: 'working-dir-absent', pod: 'default', container: () => ({ working_dir: '/work/absent' }) },
  { name: 'working-dir-image-dir', pod: 'default', container: () => ({ working_dir: '/data' }) },
  { name: 'entrypoint-image-only', pod: 'default', container: () => ({}) },
  {
    name: 'entrypoint-command-only',
    pod: 'default',
    container: () => ({ command: [PROBE_PATH, 'cri-command'] }),
  },
  { name: 'entrypoint-args-only', pod: 'default', container: () => ({ args: ['cri-arg-1', 'cri-arg-2'] }) },
  {
    name: 'entrypoint-command-and-args',
    pod: 'default',
    container: () => ({ command: [PROBE_PATH, 'cri-command'], args: ['cri-arg'] }),
  },
  {
    name: 'entrypoint-cmd-only-image-args',
    pod: 'default',
    container: (ctx) => ({ image: { image: ctx.images.probeCmdOnly }, args: [PROBE_PATH, 'cri-arg'] }),
  },
  {
    name: 'entrypoint-cmd-only-image',
    pod: 'default',
    container: (ctx) => ({ image: { image: ctx.images.probeCmdOnly } }),
  },
  {
    name: 'env-overrides',
    pod: 'default',
    container: () => ({
      envs: [
        ['PROBE_IMAGE_ENV', 'from-cri'],
        ['PROBE_NEW', 'new value with spaces'],
        ['PATH', '/usr/sbin:/usr/bin:/sbin:/bin:/probe-extra'],
        ['HOSTNAME', 'env-hostname'],
      ].map(([key, value]) => ({ key, value: Buffer.from(value) })),
    }),
  },
  { name: 'userns-pod', pod: 'userns', container: () => ({}) },
  { name: 'exec-default', pod: 'default', via: 'exec', container: () => ({}) },
  { name: 'exec-privileged', pod: 'privileged', via: 'exec', container: () => sc({ privileged: true }) },
  {
    name: 'exec-run-as-user-caps',
    pod: 'default',
    via: 'exec',
    container: () =>
      sc({
        run_as_user: { value: 1000 },
        supplemental_groups: [1234],
        capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['CHOWN'] },
        no_new_privs: true,
      }),
  },
  { name: 'exec-readonly-rootfs', pod: 'default', via: 'exec', container: () => sc({ readonly_rootfs: true }) },
  {
    name: 'exec-seccomp-resources',
    pod: 'default',
    via: 'exec',
    container: () => ({
      ...sc({ seccomp: { profile_type: 'RuntimeDefault' } }),
      ...resources({ memory_limit_in_bytes: 64 * 1024 * 1024, cpu_quota: 50000, cpu_period: 100000 }),
    }),
  },
  {
    name: 'exec-env-workdir',
    pod: 'default',
    via: 'exec',
    container: () => ({ working_dir: '/data', envs: [{ key: 'PROBE_NEW', value: Buffer.from('set for init') }] }),
  },
  { name: 'dns-config', pod: 'dns', container: () => ({}) },
];
