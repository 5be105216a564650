// Detects the host's cgroup layout once: which hierarchies are mounted where (from
// /proc/self/mountinfo), the mode (v1, hybrid, v2), and corrald's own cgroup in each hierarchy
// (from /proc/self/cgroup), which some hierarchies require nesting under.
import { promises as fs, readFileSync } from 'node:fs';
import { FailedPreconditionError } from '../errors';
import type { CgroupMode } from './contract';

export interface V1Hierarchy {
  /** Where it is mounted, e.g. /sys/fs/cgroup/memory. */
  mountPoint: string;
  /** Controllers bound to it, e.g. ["cpu", "cpuacct"] when co-mounted. */
  controllers: string[];
  /** corrald's own cgroup in it, relative to the mount ("/" at the root). */
  ownPath: string;
}

export interface HostCgroups {
  mode: CgroupMode;
  /** v1 hierarchies by controller name (co-mounted controllers share one entry). */
  v1: Map<string, V1Hierarchy>;
  /** The cgroup2 mount (v2: the root of everything; hybrid: the mostly empty unified tree). */
  unifiedMount?: string;
  /** corrald's own cgroup in the unified hierarchy, relative to its mount. */
  unifiedOwnPath: string;
  /** Every v1 hierarchy (named ones too) as mounted on the host, for a container's /sys/fs/cgroup. */
  v1Mounts: V1Mount[];
}

export interface V1Mount {
  /** The host's directory name under its cgroup root, e.g. "cpu,cpuacct" or "systemd". */
  dir: string;
  /** The mount data naming the hierarchy, e.g. "cpu,cpuacct" or "name=systemd". */
  data: string;
}

interface MountEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/**
 * Parses the cgroup and cgroup2 lines of /proc/self/mountinfo into the fields this module needs.
 * Every pod adds mounts (3500 lines, 800 KB with 500 pods), so only the lines naming a cgroup
 * filesystem are split: " - " separates a line's optional fields from its filesystem type once
 * (the kernel escapes spaces in paths), so " - cgroup" finds them without reading the others.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (let at = text.indexOf(CGROUP_TYPE); at >= 0; at = text.indexOf(CGROUP_TYPE, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    const left = text.slice(start, at).split(' ');
    const right = text.slice(at + 3, end < 0 ? text.length : end).split(' ');
    if (right[0] !== 'cgroup' && right[0] !== 'cgroup2') continue;
    out.push({
      root: unescapeOctal(left[3]),
      mountPoint: unescapeOctal(left[4]),
      fsType: right[0],
      superOptions: (right[2] ?? '').split(','),
    });
  }
  return out;
}

const CGROUP_TYPE = ' - cgroup';

/** Parses /proc/self/cgroup ("id:controllers:path") into controller → path; "" keys the unified one. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === '') out.set('', match[2]);
    for (const controller of match[1].split(',')) if (controller) out.set(controller, match[2]);
  }
  return out;
}

/** Builds the layout from the two proc files' text (pure, so tests can feed any host). */
export function layoutFrom(mountinfo: string, procCgroup: string): HostCgroups {
  const own = parseProcCgroup(procCgroup);
  const v1 = new Map<string, V1Hierarchy>();
  let unifiedMount: string | undefined;
  let unifiedRoot = '/';
  const v1Mounts: V1Mount[] = [];
  for (const mount of parseMountinfo(mountinfo)) {
    if (mount.fsType === 'cgroup2') {
      // Prefer the mount at /sys/fs/cgroup or its "unified" child when several exist.
      if (!unifiedMount || mount.mountPoint.length < unifiedMount.length) {
        unifiedMount = mount.mountPoint;
        unifiedRoot = mount.root;
      }
    } else if (mount.fsType === 'cgroup') {
      addV1Mount(v1Mounts, mount);
      const controllers = mount.superOptions.filter((o) => JOINED_V1.has(o));
      if (controllers.length === 0 || v1.has(controllers[0])) continue;
      const ownPath = relativeTo(own.get(controllers[0]) ?? '/', mount.root);
      const hierarchy = { mountPoint: mount.mountPoint, controllers, ownPath };
      for (const c of controllers) v1.set(c, hierarchy);
    }
  }
  const hasControllers = [...v1.keys()].some((c) => KNOWN_V1.has(c));
  const mode: CgroupMode = !hasControllers ? 'v2' : unifiedMount ? 'hybrid' : 'v1';
  if (mode === 'v2' && !unifiedMount) throw new FailedPreconditionError('no cgroup filesystem is mounted');
  if (mode === 'v2') v1.clear();
  return {
    mode,
    v1,
    unifiedMount,
    unifiedOwnPath: relativeTo(own.get('') ?? '/', unifiedRoot),
    v1Mounts: mode === 'v2' ? [] : v1Mounts,
  };
}

/** The first mount of each hierarchy, named by its controllers (and name=), as runc lists them. */
function addV1Mount(out: V1Mount[], mount: MountEntry): void {
  const data = mount.superOptions.filter((o) => KNOWN_V1.has(o) || o.startsWith('name=')).join(',');
  const dir = mount.mountPoint.slice(mount.mountPoint.lastIndexOf('/') + 1);
  if (data === '' || dir === '' || out.some((m) => m.data === data)) return;
  out.push({ dir, data });
}

let cached: HostCgroups | undefined;

/** The host's layout, read once per process (loadHost() reads it ahead, off the event loop). */
export function detectHost(): HostCgroups {
  cached ??= layoutFrom(readFileSync('/proc/self/mountinfo', 'utf8'), readFileSync('/proc/self/cgroup', 'utf8'));
  return cached;
}

/**
 * Reads the layout for detectHost() in the thread pool: the kernel takes tens of milliseconds to
 * write /proc/self/mountinfo once a node has hundreds of pods, which corrald's start-up would
 * otherwise spend on the event loop while it already answers calls.
 */
export async function loadHost(): Promise<HostCgroups> {
  if (cached) return cached;
  const [mountinfo, procCgroup] = await Promise.all([
    readProcFile('/proc/self/mountinfo'),
    readProcFile('/proc/self/cgroup'),
  ]);
  cached ??= layoutFrom(mountinfo, procCgroup);
  return cached;
}

/** One read takes all of a proc file this size (the kernel fills the buffer), and one more finds its end. */
const PROC_READ_BYTES = 1024 * 1024;

/**
 * A proc file's text in a few thread-pool jobs: fs.readFile reads a file whose size stat gives
 * as 0 in 64 KiB pieces, 13 round trips for 815 KB of mountinfo on a busy start-up.
 */
async function readProcFile(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(PROC_READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
  } finally {
    await handle.close();
  }
}

const KNOWN_V1 = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'pids',
  'devices',
  'freezer',
  'blkio',
  'hugetlb',
  'net_cls',
  'net_prio',
  'perf_event',
  'rdma',
  'misc',
]);

/** Hierarchies a container's cgroup is made in and joined: the controllers and systemd's named
 *  one (runc's cgroupfs driver joins it too, so /sys/fs/cgroup/systemd inside is the container's). */
const JOINED_V1 = new Set([...KNOWN_V1, 'name=systemd']);

/** A path from /proc/self/cgroup made relative to the mount's own root (containers mount a subtree). */
function relativeTo(cgroupPath: string, mountRoot: string): string {
  if (mountRoot === '/' || !cgroupPath.startsWith(mountRoot)) return cgroupPath;
  return cgroupPath.slice(mountRoot.length) || '/';
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
