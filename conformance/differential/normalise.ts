// Turns the probe's raw output into "key → value" facts that may be compared across runtimes:
// mount ids, device numbers, peer groups, overlay layer paths, runtime roots, container ids,
// dates and pipe inodes are taken out; everything a process can act on stays.
import type { ProbeRun } from './runner';

export type Facts = Map<string, string>;

/** Strings that name one runtime's private places, replaced by a placeholder before comparing. */
export interface RuntimePlaces {
  /** Host directory of this runtime's mount sources. */
  hostDir: string;
  /** The runtime's roots (state, root, log dir…): any path below them is "<runtime>". */
  roots: string[];
  cgroupParent: string;
}

const PROBE_PROGRAMS = new Set(['probe', 'sh', 'sort', 'ls', 'cat', 'head', 'wc', 'readlink', 'stat', 'tr']);
/** More distinct programs than a pod runs: the host's pid namespace. */
const HOST_PROCESSES = 8;
export const DEVICE_BINDS = 'device nodes bound from the host devtmpfs';
const STATUS_KEYS = /^(Cap\w+|NoNewPrivs|Seccomp|Seccomp_filters|Uid|Gid|Groups)$/;

export function normalise(run: ProbeRun, places: RuntimePlaces): Facts {
  const facts: Facts = new Map();
  if ('error' in run) {
    facts.set('create', run.error.replace(/^(error \w+).*$/s, '$1'));
    return facts;
  }
  facts.set('create', 'ok');
  const sections = splitSections(scrub(run.output.replace(/\r/g, ''), places));
  facts.set('complete', sections.has('end') ? 'yes' : 'no');
  for (const [name, lines] of sections) {
    const handler = HANDLERS[name] ?? whole;
    handler(name, lines, facts, places);
  }
  return facts;
}

function scrub(text: string, places: RuntimePlaces): string {
  let out = text.split(places.hostDir).join('<host>');
  for (const root of places.roots) out = out.split(root).join('<runtime>');
  return out.replace(/\b[0-9a-f]{64}\b/g, '<id>');
}

function splitSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^== (\S+)$/.exec(line);
    if (header) sections.set(header[1], (current = []));
    else if (current && line !== '') current.push(line);
  }
  return sections;
}

type Handler = (name: string, lines: string[], facts: Facts, places: RuntimePlaces) => void;

const whole: Handler = (name, lines, facts) => {
  facts.set(name, lines.join(' | '));
};

const keyed =
  (split: (line: string) => [string, string] | undefined): Handler =>
  (name, lines, facts) => {
    for (const line of lines) {
      const kv = split(line);
      if (kv) add(facts, `${name} ${kv[0]}`, kv[1]);
    }
  };

/** Same key twice (two mounts on one point) keeps both, in order. */
function add(facts: Facts, key: string, value: string): void {
  const old = facts.get(key);
  facts.set(key, old === undefined ? value : `${old} ; ${value}`);
}

const firstWord = (line: string): [string, string] => {
  const [key, ...rest] = line.split(' ');
  return [key, rest.join(' ')];
};

/** ls -lan lines without link count, dates and the "total" line: "name → mode uid gid size". */
const lsLine = (line: string): [string, string] | undefined => {
  const m = /^([\w-]{10}\S*)\s+\d+\s+(\d+)\s+(\d+)\s+(\d+,\s*\d+|\d+)\s+\w{3}\s+\d+\s+(?:\d\d:\d\d|\d{4})\s+(.*)$/.exec(
    line,
  );
  if (!m) return undefined;
  const [, mode, uid, gid, size, name] = m;
  const isDevice = /^[cb]/.test(mode);
  return [name, `${mode} ${uid}:${gid}${isDevice ? ` ${size.replace(/\s+/g, '')}` : ''}`];
};

const HANDLERS: Record<string, Handler> = {
  env: keyed((line) => {
    const at = line.indexOf('=');
    return at < 0 ? undefined : [line.slice(0, at), line.slice(at + 1)];
  }),
  status: keyed((line) => {
    const m = /^(\w+):\s*(.*)$/.exec(line);
    return m && STATUS_KEYS.test(m[1]) ? [m[1], m[2].trim().replace(/\s+/g, ' ')] : undefined;
  }),
  limits: keyed((line) => {
    if (line.startsWith('Limit')) return undefined;
    return [line.slice(0, 26).trim().replace(/\s+/g, '-'), line.slice(26).trim().replace(/\s+/g, ' ')];
  }),
  mountinfo: (_name, lines, facts) => {
    for (const line of lines) {
      const mount = mountFact(line);
      if (!mount) continue;
      // A device bound from the host's devtmpfs (corral's way to give a container a device).
      if (mount[0].startsWith('/dev/') && / devtmpfs devtmpfs /.test(mount[1])) add(facts, DEVICE_BINDS, mount[0]);
      else add(facts, `mount ${mount[0]}`, mount[1]);
    }
  },
  cgroup: keyed((line) => {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    return m ? [m[1] === '' ? 'unified' : m[1], cgroupShape(m[2])] : undefined;
  }),
  fds: keyed((line) => {
    const [fd, target] = firstWord(line);
    return [fd, target.replace(/^(pipe|socket|anon_inode):.*$/, '$1')];
  }),
  ns: keyed(firstWord),
  // Which other programs share the pid namespace; the probe's own (and concurrent probes') not.
  procs: (name, lines, facts) => {
    const others = [...new Set(lines.filter((l) => !PROBE_PROGRAMS.has(l)))];
    facts.set(name, others.length > HOST_PROCESSES ? "the host's processes" : others.join(' '));
  },
  pid: (name, lines, facts) => {
    facts.set('pid is 1', lines[0] === '1' ? 'yes' : 'no');
  },
  net: (name, lines, facts) => {
    const names = lines.join(' ').split(/\s+/).filter(Boolean);
    facts.set(name, names.length > 3 ? 'the host interfaces' : names.join(' '));
  },
  dev: keyed(lsLine),
  dev_pts: keyed(lsLine),
  dev_mqueue: keyed(lsLine),
  mnt: keyed((line) => lsLine(line) ?? [line, '']),
  etc: (name, lines, facts) => {
    let file = '';
    for (const line of lines) {
      const header = /^-- (\S+) (.*)$/.exec(line);
      if (header) {
        file = header[1]!;
        facts.set(`etc ${file} mode`, header[2]);
      } else add(facts, `etc ${file}`, line.trim().replace(/\s+/g, ' '));
    }
  },
  sysctl: keyed((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1).replace(/\s+/g, ' ')];
  }),
  masked: keyed(firstWord),
  devaccess: keyed(firstWord),
  writable: keyed(firstWord),
  cgroup_files: keyed(firstWord),
  cgroupfs: (name, lines, facts) => {
    facts.set(name, lines.join(' ').split(/\s+/).filter(Boolean).sort().join(' '));
  },
};

/** "mount point" → "root opts [propagation] fstype source superopts", ids and layer paths out. */
function mountFact(line: string): [string, string] | undefined {
  const [left, right] = line.split(' - ');
  if (!left || !right) return undefined;
  const fields = left.split(' ');
  const [root, point, opts] = [fields[3], fields[4], fields[5]];
  const propagation = fields
    .slice(6)
    .map((tag) => tag.replace(/:\d+$/, ''))
    .sort()
    .join(',');
  const [fstype, source, superOpts] = right.split(' ');
  const superKept = (superOpts ?? '')
    .split(',')
    .filter((opt) => !/^(lowerdir\+?|datadir\+?|upperdir|workdir|index|xino|redirect_dir|uuid|metacopy)=/.test(opt))
    .join(',');
  // Files the runtime made (hosts, resolv.conf…) live somewhere in its own roots: only that counts.
  const rootShown = fstype === 'overlay' ? '/' : root.startsWith('<runtime>/') ? '<runtime>/…' : root;
  const sourceShown = fstype === 'overlay' ? 'overlay' : source;
  return [point, `${rootShown} ${opts} [${propagation || 'private'}] ${fstype} ${sourceShown} ${superKept}`];
}

/** A cgroup path as a shape: "/" or "<parent>" plus one "<c>" per level below it. */
function cgroupShape(where: string): string {
  const parts = where.split('/').filter(Boolean);
  const at = parts.findIndex((part) => part.startsWith('corral-diff-'));
  if (at < 0) return where;
  return ['<parent>', ...parts.slice(at + 2).map(() => '<c>')].join('/');
}
