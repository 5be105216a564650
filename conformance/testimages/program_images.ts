// Images of real programs from Debian packages, for tests that run them as users do: a JRE,
// python3 and nginx on top of the busybox layers. The program layer holds the package's files
// (the host's installed copy; nginx, never installed on the host, from its downloaded .deb) plus
// the shared libraries every ELF file in it needs (ldd). Layers are built with tar(1) and cached
// under the test-image cache by package version, so a CI run only pushes them.
// conformance/setup-host.sh installs openjdk-17-jre-headless and python3-minimal and downloads nginx.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { busyboxLayers } from './busybox_tree';
import { TESTIMAGES_CACHE } from './busybox_deb';
import { assembleImage, treeLayer, type BuiltImage, type ImageConfigFields, type LayerBlob } from './oci_image';

export type ProgramName = 'java' | 'python' | 'nginx';

export const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
export const PYTHON = '/usr/bin/python3.11';
export const NGINX = '/usr/sbin/nginx';
export const NGINX_PORT = 8080;

const BUILDER_VERSION = '3';

/** The nginx configuration the image carries: one server answering on NGINX_PORT, logs to stderr. */
const NGINX_CONF = `user nobody nogroup;
worker_processes 1;
daemon off;
pid /tmp/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path /tmp/body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  server {
    listen ${NGINX_PORT};
    location / { default_type text/plain; return 200 "hello from nginx in $hostname\\n"; }
  }
}
`;

interface ProgramSource {
  /** Package versions: the cache key. */
  versions: string[];
  /** Absolute paths (files, symlinks, directories) under `root` to copy. */
  paths: string[];
  root: string;
  extra?: Array<{ path: string; content: string }>;
  config: ImageConfigFields;
}

function packageVersion(pkg: string): string {
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();
}

function packageFiles(pkg: string): string[] {
  return execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8' })
    .split('\n')
    .filter((p) => p.startsWith('/') && p !== '/.');
}

function javaSource(): ProgramSource {
  const pkg = 'openjdk-17-jre-headless';
  // Left out to keep the layer small: javac's symbol table and the CDS archive for -XX:-UseCompressedOops.
  const skip = new Set([`${JAVA_HOME}/lib/ct.sym`, `${JAVA_HOME}/lib/server/classes_nocoops.jsa`]);
  const files = packageFiles(pkg).filter(
    (p) => !skip.has(p) && !p.startsWith('/usr/share/doc') && !p.startsWith('/usr/share/man'),
  );
  return {
    versions: [`${pkg}=${packageVersion(pkg)}`],
    paths: files,
    root: '/',
    config: { Cmd: [`${JAVA_HOME}/bin/java`, '-version'] },
  };
}

function pythonSource(): ProgramSource {
  const pkgs = ['python3.11-minimal', 'libpython3.11-minimal'];
  const files = pkgs.flatMap(packageFiles).filter((p) => !p.startsWith('/usr/share'));
  return { versions: pkgs.map((p) => `${p}=${packageVersion(p)}`), paths: files, root: '/', config: { Cmd: [PYTHON] } };
}

/** nginx is not installed on the host (its package would start a server there): its .deb is unpacked. */
function nginxSource(): ProgramSource {
  const dir = path.join(TESTIMAGES_CACHE, 'nginx-root');
  const deb = readdirSync(TESTIMAGES_CACHE).find((n) => /^nginx_.*_amd64\.deb$/.test(n));
  if (!deb) throw new Error(`no nginx .deb in ${TESTIMAGES_CACHE} (run conformance/setup-host.sh)`);
  if (!existsSync(path.join(dir, NGINX.slice(1)))) {
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    execFileSync('dpkg-deb', ['-x', path.join(TESTIMAGES_CACHE, deb), staging]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  return {
    versions: [deb],
    paths: [NGINX],
    root: dir,
    extra: [{ path: '/etc/nginx/nginx.conf', content: NGINX_CONF }],
    config: { Cmd: [NGINX, '-e', 'stderr', '-c', '/etc/nginx/nginx.conf'] },
  };
}

function isElf(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.toString('latin1') === '\x7fELF';
  } finally {
    closeSync(fd);
  }
}

/** The libraries (and loader) an ELF file needs, as absolute host paths; nothing for static ones. */
function libraries(file: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return []; // "not a dynamic executable"
  }
  return [...out.matchAll(/(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/** Paths under one root (the host's "/" or an unpacked .deb) to put in the layer. */
type Chosen = Map<string, Set<string>>; // root → absolute paths inside it

/** Every path for the layer, with parents, symlink targets and the libraries ELF files need (from
 *  the host's "/", where ldd finds them). Directories go by their real names: the host's /lib is a
 *  link to usr/lib, the base layer's a directory. */
function closure(source: ProgramSource): Chosen {
  const chosen: Chosen = new Map();
  const seen = new Set<string>();
  const canonical = (root: string, p: string): string => {
    try {
      return path.join('/', path.relative(root, realpathSync(path.join(root, path.dirname(p)))), path.basename(p));
    } catch {
      return p;
    }
  };
  const add = (root: string, raw: string): void => {
    const p = canonical(root, raw);
    const onHost = path.join(root, p);
    if (p === '/' || seen.has(p)) return;
    let st;
    try {
      st = lstatSync(onHost);
    } catch {
      return; // a dangling link's target, left out
    }
    seen.add(p);
    if (!chosen.has(root)) chosen.set(root, new Set());
    chosen.get(root)!.add(p);
    add(root, path.dirname(p));
    if (st.isSymbolicLink()) {
      add(root, path.resolve(path.dirname(p), readlinkRelative(onHost)));
    } else if (st.isFile() && isElf(onHost)) {
      for (const lib of libraries(onHost)) {
        add('/', lib);
        add('/', realpathSync(lib));
      }
    }
  };
  for (const p of source.paths) add(source.root, p);
  return chosen;
}

/** A tar -T list: "--directory=<root>" then its paths (relative), for each root. */
function tarList(chosen: Chosen): string {
  const lines: string[] = [];
  for (const [root, paths] of chosen)
    lines.push(`--directory=${root.replace(/\/$/, '')}/.`, ...[...paths].sort().map((p) => p.slice(1)));
  return lines.join('\n') + '\n';
}

function readlinkRelative(file: string): string {
  return execFileSync('readlink', [file], { encoding: 'utf8' }).trim();
}

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = readSync(fd, buf)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The program layer, built once per package version into the cache. */
function programLayer(name: ProgramName, source: ProgramSource): LayerBlob {
  const key = createHash('sha256')
    .update([BUILDER_VERSION, ...source.versions].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(TESTIMAGES_CACHE, 'programs', `${name}-${key}`);
  const gzFile = path.join(dir, 'layer.tar.gz');
  const metaFile = path.join(dir, 'diff_id');
  if (!existsSync(metaFile)) {
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const list = path.join(staging, 'files');
    writeFileSync(list, tarList(closure(source)));
    const tarFile = path.join(staging, 'layer.tar');
    const extras = path.join(staging, 'extra');
    const extraArgs: string[] = [];
    for (const file of source.extra ?? []) {
      mkdirSync(path.dirname(path.join(extras, file.path)), { recursive: true });
      writeFileSync(path.join(extras, file.path), file.content);
      extraArgs.push('-C', extras, file.path.slice(1));
    }
    execFileSync('tar', ['--no-recursion', '--numeric-owner', '-cf', tarFile, '-T', list, ...extraArgs]);
    writeFileSync(path.join(staging, 'diff_id'), sha256File(tarFile));
    execFileSync('gzip', ['-1', '-n', tarFile]);
    rmSync(list);
    rmSync(extras, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  return { diffId: readFileSync(metaFile, 'utf8').trim(), gz: readFileSync(gzFile) };
}

const SOURCES: Record<ProgramName, () => ProgramSource> = {
  java: javaSource,
  python: pythonSource,
  nginx: nginxSource,
};

/** busybox (sh, cat, wget…) with the program on top. */
export async function buildProgramImage(name: ProgramName): Promise<BuiltImage> {
  const source = SOURCES[name]();
  const { base, applets } = busyboxLayers();
  const layers = [await treeLayer(base), await treeLayer(applets), programLayer(name, source)];
  return assembleImage(layers, source.config);
}
