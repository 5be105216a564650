// Debian's dynamic busybox (hard-linked applets, each a real exec) fetched once into a cache
// with `apt-get download` and unpacked with dpkg-deb; never installed on the host, where it
// would conflict with busybox-static.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export const TESTIMAGES_CACHE = process.env.CORRAL_TESTIMAGES_CACHE ?? '/var/cache/corral/testimages';

/** Path of the cached, unpacked busybox binary; downloads and unpacks on first use. */
export function busyboxBinary(cacheDir = TESTIMAGES_CACHE): string {
  const unpacked = path.join(cacheDir, 'busybox-root');
  const binary = path.join(unpacked, 'bin', 'busybox');
  if (existsSync(binary)) return binary;
  const deb = downloadDeb(cacheDir);
  const staging = mkdtempSync(path.join(cacheDir, 'unpack-'));
  execFileSync('dpkg-deb', ['-x', deb, staging]);
  try {
    renameSync(staging, unpacked);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true }); // another process won the race
    if (!existsSync(binary)) throw err;
  }
  return binary;
}

function downloadDeb(cacheDir: string): string {
  execFileSync('mkdir', ['-p', cacheDir]);
  const find = () => readdirSync(cacheDir).find((name) => /^busybox_.*_amd64\.deb$/.test(name));
  if (!find()) execFileSync('apt-get', ['download', '-q', 'busybox'], { cwd: cacheDir, stdio: 'ignore' });
  const deb = find();
  if (!deb) throw new Error(`apt-get download busybox left no .deb in ${cacheDir}`);
  return path.join(cacheDir, deb);
}

/** Applet paths relative to / ("bin/ls", "usr/bin/env"…) as the binary itself lists them. */
export function appletPaths(binary: string): string[] {
  const out = execFileSync(binary, ['--list-full'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && line !== 'bin/busybox');
}

/** Absolute paths of the shared libraries (and loader) the binary needs, read from ldd. */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const match = /(\/\S+)\s+\(0x/.exec(line);
    if (match) libs.push(match[1]);
  }
  return libs;
}
