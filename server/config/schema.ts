// The shape of corrald's configuration: every key, its type, default and check, in one table.
// A key not listed here is an error at start (a typo must not be silently ignored).
import { LOG_LEVELS } from '../../runtime/log_levels';
import { checkMirrorsTable } from '../../runtime/image/registry/hosts';

export type FieldSpec =
  | { kind: 'string'; default: string; check?: (v: string) => string | undefined; doc: string }
  | { kind: 'int'; default: number; min?: number; max?: number; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'enum'; default: string; values: readonly string[]; doc: string }
  | { kind: 'string_list'; default: string[]; doc: string }
  | { kind: 'table'; default: Record<string, unknown>; check: (v: unknown, key: string) => unknown; doc: string };

export interface SectionSpec {
  [key: string]: FieldSpec | SectionSpec;
}

const absolutePath = (v: string) => (v.startsWith('/') ? undefined : 'must be an absolute path');
export const hostPortOrEmpty = (v: string) =>
  v === '' || /^(?:\[[0-9a-fA-F:.]+\]|[^:[\]]*):\d{1,5}$/.test(v) ? undefined : 'must be HOST:PORT or empty';

export const CONFIG_SCHEMA: SectionSpec = {
  root: {
    kind: 'string',
    default: '/var/lib/corral',
    check: absolutePath,
    doc: 'persistent root: images, snapshots, metadata',
  },
  state: {
    kind: 'string',
    default: '/run/corral',
    check: absolutePath,
    doc: 'volatile root: pinned namespaces, exit files, lock',
  },
  listen: { kind: 'string', default: '/run/corral/corral.sock', check: absolutePath, doc: 'CRI unix socket path' },
  log_level: { kind: 'enum', default: 'info', values: LOG_LEVELS, doc: 'error, warn, info or debug' },
  cgroup_driver: {
    kind: 'enum',
    default: 'cgroupfs',
    values: ['cgroupfs', 'systemd'],
    doc: 'who owns the cgroup tree: corral (cgroupfs) or systemd (transient scopes over D-Bus); reported to kubelet',
  },
  registry: {
    mirrors: {
      kind: 'table',
      default: {},
      check: checkMirrorsTable,
      doc: '[registry.mirrors."HOST"] endpoints = ["http://127.0.0.1:5000"]: tried in order before HOST',
    },
    insecure: {
      kind: 'string_list',
      default: [],
      doc: 'registry hosts (host[:port]) reached over plain http; loopback needs no entry',
    },
    response_timeout_seconds: {
      kind: 'int',
      default: 30,
      min: 1,
      doc: 'a registry request whose response headers have not arrived within this fails',
    },
    body_idle_timeout_seconds: {
      kind: 'int',
      default: 30,
      min: 1,
      doc: 'a registry response body (token, manifest, error) that delivers nothing for this long fails',
    },
  },
  image: {
    pull_timeout_seconds: {
      kind: 'int',
      default: 3600,
      min: 1,
      doc: 'a PullImage not done within this fails with DEADLINE_EXCEEDED',
    },
    max_layer_unpacked_bytes: {
      kind: 'int',
      default: 32 * 1024 ** 3,
      min: 1,
      doc: 'bytes one layer may unpack to; more fails the pull with RESOURCE_EXHAUSTED',
    },
    max_layer_entries: { kind: 'int', default: 1_000_000, min: 1, doc: 'files, dirs and links in one layer' },
    max_image_unpacked_bytes: {
      kind: 'int',
      default: 64 * 1024 ** 3,
      min: 1,
      doc: 'bytes all layers of one pull may unpack to',
    },
    max_image_entries: { kind: 'int', default: 2_000_000, min: 1, doc: 'entries in all layers of one pull' },
    unpack_reserve_bytes: {
      kind: 'int',
      default: 512 * 1024 ** 2,
      min: 0,
      doc: 'free space unpacking always leaves on the filesystem holding the layers',
    },
  },
  cni: {
    enabled: { kind: 'bool', default: true, doc: 'false: no CNI; pods get an isolated netns with only loopback' },
    conf_dir: {
      kind: 'string',
      default: '/etc/cni/net.d',
      check: absolutePath,
      doc: 'CNI network configs; the first file by name is used',
    },
    bin_dirs: {
      kind: 'string_list',
      default: ['/opt/cni/bin', '/usr/lib/cni'],
      doc: 'where CNI plugin binaries are looked up, in order',
    },
  },
  cgroups: {
    default_pids_limit: {
      kind: 'int',
      default: 0,
      min: -1,
      doc: "pids.max of each container cgroup; 0 or -1: no limit beyond the pod's",
    },
    v1_nest_under_own: {
      kind: 'string_list',
      default: ['memory'],
      doc: "v1 controllers whose cgroups go below corrald's own cgroup when it is not the root",
    },
  },
  sandbox_image: {
    kind: 'string',
    default: 'registry.k8s.io/pause:3.10',
    doc: "pod infra image kubelet and critest expect present (corral's infra does not run it)",
  },
  rootfs_mode: {
    kind: 'enum',
    default: 'pivot_root',
    values: ['pivot_root', 'chroot'],
    doc: 'how a container enters its rootfs: pivot_root, or chroot where the root cannot be pivoted',
  },
  kernel: {
    proc_pidns_fsconfig: {
      kind: 'bool',
      default: true,
      doc: 'mount the /proc of a pid namespace a container joins from outside it with fsconfig "pidns" where the kernel has it (Linux 6.15+); false takes the older kernels\' path (for tests of that path)',
    },
  },
  default_cgroup_parent: {
    kind: 'string',
    default: '/corral',
    check: absolutePath,
    doc: 'cgroup parent of pods whose config names none',
  },
  streaming: {
    address: {
      kind: 'string',
      default: '127.0.0.1',
      doc: 'address the exec/attach/port-forward streaming server listens on',
    },
    port: { kind: 'int', default: 0, min: 0, max: 65535, doc: 'streaming server port; 0 picks a free one' },
    idle_timeout_seconds: {
      kind: 'int',
      default: 14400,
      min: 1,
      doc: 'a streaming session with no traffic for this long is closed',
    },
    max_connections: {
      kind: 'int',
      default: 1024,
      min: 1,
      doc: 'sockets the streaming server holds at once (also bounded by the open-file limit); beyond it the oldest socket still sending its request is closed',
    },
    request_timeout_seconds: {
      kind: 'int',
      default: 5,
      min: 1,
      doc: 'a streaming socket that has not sent a complete request within this is closed',
    },
    write_stall_timeout_seconds: {
      kind: 'int',
      default: 60,
      min: 1,
      doc: 'a streaming session whose client takes none of the queued output for this long is closed',
    },
  },
  metrics: {
    address: {
      kind: 'string',
      default: '',
      check: hostPortOrEmpty,
      doc: "HOST:PORT of corrald's Prometheus endpoint (/metrics); empty: off",
    },
    collection_period_seconds: {
      kind: 'int',
      default: 10,
      min: 0,
      max: 3600,
      doc: 'ListPodSandboxMetrics answers from a collection at most this old (0: read live each time)',
    },
  },
};

export function isFieldSpec(value: FieldSpec | SectionSpec): value is FieldSpec {
  return (
    typeof (value as FieldSpec).kind === 'string' && 'doc' in value && typeof (value as FieldSpec).doc === 'string'
  );
}
