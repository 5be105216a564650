// The reference containerd's configuration (version 2): private roots and socket, the CRI plugin
// with the test pause image, a plain-http mirror for the local test registry, the test's CNI dirs,
// runc with the cgroupfs driver. Everything a containerd could reach on the host is turned away.

export interface ContainerdPaths {
  root: string;
  state: string;
  socket: string;
  runcBinary: string;
  runcRoot: string;
  cniConfDir: string;
  cniBinDir: string;
}

export interface ContainerdSettings {
  /** "127.0.0.1:PORT" of the test registry. */
  registryHost: string;
  sandboxImage: string;
}

/** Plugins that would look outside the private roots (or need kernel modules the host lacks). */
const DISABLED_PLUGINS = [
  'io.containerd.internal.v1.opt',
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.tracing.processor.v1.otlp',
];

const quote = (value: string): string => JSON.stringify(value);

export function containerdConfigToml(paths: ContainerdPaths, settings: ContainerdSettings): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${quote(paths.root)}`,
    `state = ${quote(paths.state)}`,
    `disabled_plugins = ${JSON.stringify(DISABLED_PLUGINS)}`,
    '[grpc]',
    `address = ${quote(paths.socket)}`,
    '[ttrpc]',
    `address = ${quote(`${paths.socket}.ttrpc`)}`,
    '[debug]',
    'address = ""',
    'level = "warn"',
    '[metrics]',
    'address = ""',
    `[${cri}]`,
    `sandbox_image = ${quote(settings.sandboxImage)}`,
    'stream_server_address = "127.0.0.1"',
    'stream_server_port = "0"',
    'enable_selinux = false',
    // No AppArmor on the test host; corral has none either.
    'disable_apparmor = true',
    // root here lacks CAP_SYS_RESOURCE: lowering oom_score_adj below containerd's own fails.
    'restrict_oom_score_adj = true',
    'tolerate_missing_hugetlb_controller = true',
    `[${cri}.containerd]`,
    'snapshotter = "overlayfs"',
    'default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    'runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    'SystemdCgroup = false',
    `BinaryName = ${quote(paths.runcBinary)}`,
    `Root = ${quote(paths.runcRoot)}`,
    `[${cri}.cni]`,
    `bin_dir = ${quote(paths.cniBinDir)}`,
    `conf_dir = ${quote(paths.cniConfDir)}`,
    'max_conf_num = 1',
    `[${cri}.registry.mirrors.${quote(settings.registryHost)}]`,
    `endpoint = [${quote(`http://${settings.registryHost}`)}]`,
    '',
  ].join('\n');
}
