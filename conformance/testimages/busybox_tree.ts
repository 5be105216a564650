// The busybox test image's content: shared libraries and /etc in one layer, busybox and its
// hard-linked applets in another.
import { readFileSync, realpathSync } from 'node:fs';
import { appletPaths, busyboxBinary, sharedLibraries } from './busybox_deb';
import { writeTree, type TreeEntry } from './tree';

/** The named non-root user in the test images (for USER / run_as_username tests). */
export const TEST_USER = { name: 'tester', uid: 1000, gid: 1000 };

const PASSWD = `root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
${TEST_USER.name}:x:${TEST_USER.uid}:${TEST_USER.gid}:tester:/home/${TEST_USER.name}:/bin/sh
`;
const GROUP = `root:x:0:
nogroup:x:65534:
${TEST_USER.name}:x:${TEST_USER.gid}:
`;

export interface BusyboxLayers {
  base: TreeEntry[]; // /etc, /lib*, empty system dirs
  applets: TreeEntry[]; // /bin/busybox and its hard links
}

export function busyboxLayers(): BusyboxLayers {
  const binary = busyboxBinary();
  return { base: baseLayer(binary), applets: appletLayer(binary) };
}

function baseLayer(binary: string): TreeEntry[] {
  const entries: TreeEntry[] = [
    'bin',
    'sbin',
    'usr',
    'usr/bin',
    'usr/sbin',
    'etc',
    'dev',
    'proc',
    'sys',
    'run',
    'var',
    'root',
  ].map((dir): TreeEntry => ({ type: 'dir', path: dir, mode: dir === 'root' ? 0o700 : 0o755 }));
  entries.push({ type: 'dir', path: 'tmp', mode: 0o1777 });
  entries.push({ type: 'dir', path: `home/${TEST_USER.name}`, mode: 0o755 });
  entries.push({ type: 'file', path: 'etc/passwd', content: PASSWD });
  entries.push({ type: 'file', path: 'etc/group', content: GROUP });
  entries.push({ type: 'file', path: 'etc/hostname', content: 'corral-test\n' });
  const libs = sharedLibraries(binary);
  for (const dir of parentDirs(libs)) entries.push({ type: 'dir', path: dir, mode: 0o755 });
  for (const lib of libs) {
    entries.push({ type: 'file', path: lib.slice(1), mode: 0o755, content: readFileSync(realpathSync(lib)) });
  }
  return entries;
}

/** "lib", "lib/x86_64-linux-gnu", "lib64"… for absolute file paths, parents first. */
function parentDirs(files: string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.slice(1).split('/').slice(0, -1);
    parts.forEach((_, i) => dirs.add(parts.slice(0, i + 1).join('/')));
  }
  return [...dirs].sort();
}

function appletLayer(binary: string): TreeEntry[] {
  const entries: TreeEntry[] = [{ type: 'file', path: 'bin/busybox', mode: 0o755, content: readFileSync(binary) }];
  for (const applet of appletPaths(binary)) entries.push({ type: 'hardlink', path: applet, target: 'bin/busybox' });
  return entries;
}

/** An unpacked busybox rootfs at `dir` (created if needed), for tests that bypass the image store. */
export async function buildBusyboxRootfs(dir: string): Promise<void> {
  const { base, applets } = busyboxLayers();
  await writeTree(dir, [...base, ...applets]);
}
