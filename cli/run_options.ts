// `corralctl run` flags (docker/podman run's) and the CRI pod and container configs they make.
// Flags end at the image: everything after it is the command, dashes included.
import { randomBytes } from 'node:crypto';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../runtime/security/default_proc_paths';
import { UsageError } from './command_args';

export const RUN_USAGE =
  'corralctl run [--rm] [-d] [-i] [-t] [--name N] [--net host|pod] [-p [IP:]HOST:CTR] [-e K=V] ' +
  '[-v HOST:CTR[:ro]] [-w DIR] [--user U[:G]] [--memory BYTES[k|m|g]] [--cpus C] [--privileged] IMAGE [CMD...]';

export interface RunOptions {
  rm: boolean;
  detach: boolean;
  /** -i: the container's stdin is this process's stdin. */
  interactive: boolean;
  /** -t: the container gets a terminal. */
  tty: boolean;
  name: string;
  net: 'host' | 'pod';
  ports: PortMapping[];
  env: { key: string; value: string }[];
  volumes: { host: string; container: string; readonly: boolean }[];
  workdir?: string;
  user?: string;
  memoryBytes?: number;
  cpus?: number;
  privileged: boolean;
  image: string;
  command: string[];
}

export interface PortMapping {
  hostIp: string;
  host: number;
  container: number;
}

const FLAGS = new Set(['--rm', '-d', '--detach', '-i', '--interactive', '-t', '--tty', '--privileged']);
/** Short boolean flags that may be bundled, as in -it or -dit. */
const BUNDLED = /^-[dit]{2,3}$/;
const VALUED = new Set([
  '--name',
  '--net',
  '--network',
  '-p',
  '--publish',
  '-e',
  '--env',
  '-v',
  '--volume',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--memory',
  '-m',
  '--cpus',
]);

export function parseRunArgs(args: string[]): RunOptions {
  const o: RunOptions = {
    rm: false,
    detach: false,
    interactive: false,
    tty: false,
    name: '',
    net: 'pod',
    ports: [],
    env: [],
    volumes: [],
    privileged: false,
    image: '',
    command: [],
  };
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    if (BUNDLED.test(args[i])) {
      for (const letter of args[i].slice(1)) setFlag(o, `-${letter}`);
      continue;
    }
    const eq = args[i].indexOf('=');
    const flag = eq > 0 ? args[i].slice(0, eq) : args[i];
    if (FLAGS.has(flag)) {
      setFlag(o, flag);
      continue;
    }
    if (!VALUED.has(flag)) throw new UsageError(`unknown flag ${flag}\nusage: ${RUN_USAGE}`);
    const value = eq > 0 ? args[i].slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\nusage: ${RUN_USAGE}`);
    setValue(o, flag, value);
  }
  if (i >= args.length) throw new UsageError(`missing IMAGE\nusage: ${RUN_USAGE}`);
  o.image = args[i];
  o.command = args.slice(i + 1);
  o.name ||= `run-${randomBytes(4).toString('hex')}`;
  return o;
}

function setFlag(o: RunOptions, flag: string): void {
  if (flag === '--rm') o.rm = true;
  else if (flag === '--privileged') o.privileged = true;
  else if (flag === '-i' || flag === '--interactive') o.interactive = true;
  else if (flag === '-t' || flag === '--tty') o.tty = true;
  else o.detach = true;
}

function setValue(o: RunOptions, flag: string, value: string): void {
  switch (flag) {
    case '--name':
      o.name = value;
      return;
    case '--net':
    case '--network':
      if (value !== 'host' && value !== 'pod') throw new UsageError(`--net is host or pod, not ${value}`);
      o.net = value;
      return;
    case '-p':
    case '--publish':
      o.ports.push(parsePort(value));
      return;
    case '-e':
    case '--env':
      o.env.push(parseEnv(value));
      return;
    case '-v':
    case '--volume':
      o.volumes.push(parseVolume(value));
      return;
    case '-w':
    case '--workdir':
      o.workdir = value;
      return;
    case '-u':
    case '--user':
      o.user = value;
      return;
    case '-m':
    case '--memory':
      o.memoryBytes = parseBytes(value);
      return;
    default:
      o.cpus = Number(value);
      if (!(o.cpus > 0)) throw new UsageError(`--cpus takes a positive number, not ${value}`);
  }
}

function parsePort(value: string): PortMapping {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5}):(\d{1,5})$/.exec(value);
  const [host, container] = [Number(m?.[2]), Number(m?.[3])];
  if (!m || host < 1 || host > 65535 || container < 1 || container > 65535)
    throw new UsageError(`-p takes [IP:]HOST:CONTAINER ports, not ${value}`);
  return { hostIp: m[1] ?? '', host, container };
}

function parseEnv(value: string): { key: string; value: string } {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`-e takes KEY=VALUE, not ${value}`);
  return { key: value.slice(0, eq), value: value.slice(eq + 1) };
}

function parseVolume(value: string): { host: string; container: string; readonly: boolean } {
  const [host = '', container = '', mode, ...extra] = value.split(':');
  if (
    !host.startsWith('/') ||
    !container.startsWith('/') ||
    extra.length > 0 ||
    (mode !== undefined && mode !== 'ro' && mode !== 'rw')
  ) {
    throw new UsageError(`-v takes /HOST:/CONTAINER[:ro], not ${value}`);
  }
  return { host, container, readonly: mode === 'ro' };
}

function parseBytes(value: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(value);
  if (!m) throw new UsageError(`--memory takes BYTES with an optional k, m or g, not ${value}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** The CRI PodSandboxConfig for a run: its own pod, named like the container. */
export function podConfigFor(o: RunOptions): Record<string, unknown> {
  const uid = randomBytes(8).toString('hex');
  return {
    metadata: { name: o.name, namespace: 'corralctl', uid, attempt: 0 },
    hostname: o.net === 'host' ? '' : o.name,
    log_directory: `/var/log/pods/corralctl_${o.name}_${uid}`,
    labels: { 'io.corral.run': 'true' },
    port_mappings: o.ports.map((p) => ({
      protocol: 'TCP',
      container_port: p.container,
      host_port: p.host,
      host_ip: p.hostIp,
    })),
    linux: {
      security_context: {
        namespace_options: { network: o.net === 'host' ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' },
        privileged: o.privileged,
      },
    },
  };
}

/** The CRI ContainerConfig: CMD... replaces the image's command (its args), as docker run does. */
export function containerConfigFor(o: RunOptions): Record<string, unknown> {
  const cpuPeriod = 100_000;
  return {
    metadata: { name: o.name, attempt: 0 },
    image: { image: o.image },
    args: o.command,
    envs: o.env,
    working_dir: o.workdir ?? '',
    mounts: o.volumes.map((v) => ({ host_path: v.host, container_path: v.container, readonly: v.readonly })),
    log_path: `${o.name}.log`,
    stdin: o.interactive,
    stdin_once: o.interactive,
    tty: o.tty,
    labels: { 'io.corral.run': 'true' },
    linux: {
      resources: {
        memory_limit_in_bytes: String(o.memoryBytes ?? 0),
        cpu_period: String(o.cpus ? cpuPeriod : 0),
        cpu_quota: String(o.cpus ? Math.round(o.cpus * cpuPeriod) : 0),
      },
      security_context: {
        privileged: o.privileged,
        // As kubelet sends them: a CRI request without lists masks nothing (containerd's rule).
        masked_paths: o.privileged ? [] : DEFAULT_MASKED_PATHS,
        readonly_paths: o.privileged ? [] : DEFAULT_READONLY_PATHS,
        ...userFields(o.user),
      },
    },
  };
}

/** --user: a uid, a uid:gid, or a name the image's /etc/passwd resolves. */
function userFields(user: string | undefined): Record<string, unknown> {
  if (user === undefined) return {};
  const ids = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!ids) return { run_as_username: user };
  return { run_as_user: { value: ids[1] }, ...(ids[2] !== undefined ? { run_as_group: { value: ids[2] } } : {}) };
}
