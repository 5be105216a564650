// Test-only: a busybox rootfs from Debian's dynamic busybox package (downloaded, extracted with
// dpkg-deb, never installed), its libraries per ldd, and hard-linked applets (one binary per
// applet, so a masked path is really opened by a separate process). Small on purpose: to be
// swapped for the shared test-image builder (conformance/testimages) once it lands.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

async function busyboxDeb(workDir: string): Promise<string> {
  execFileSync('apt-get', ['download', 'busybox'], { cwd: workDir, stdio: 'ignore' });
  const deb = (await fs.readdir(workDir)).find((name) => name.startsWith('busybox_') && name.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download busybox produced no package');
  return path.join(workDir, deb);
}

async function copyLibraries(binary: string, rootfs: string): Promise<void> {
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  for (const match of ldd.matchAll(/(\/\S+) \(0x/g)) {
    const lib = match[1];
    const target = path.join(rootfs, lib);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(await fs.realpath(lib), target);
  }
}

const ETC_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ntester:x:1000:1000::/home/tester:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n',
  'etc/group': 'root:x:0:\ntester:x:1000:\nextra:x:2000:\nnogroup:x:65534:\n',
  'etc/hostname': 'image\n',
};

/** Builds the rootfs under dir/rootfs and returns its path. */
export async function buildBusyboxRootfs(dir: string): Promise<string> {
  const rootfs = path.join(dir, 'rootfs');
  const extract = path.join(dir, 'extract');
  await fs.mkdir(extract, { recursive: true });
  execFileSync('dpkg-deb', ['-x', await busyboxDeb(dir), extract]);
  for (const sub of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'root', 'home/tester']) {
    await fs.mkdir(path.join(rootfs, sub), { recursive: true });
  }
  const busybox = path.join(rootfs, 'bin', 'busybox');
  await fs.copyFile(path.join(extract, 'bin', 'busybox'), busybox);
  await fs.chmod(busybox, 0o755);
  await copyLibraries(busybox, rootfs);
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox') await fs.link(busybox, path.join(rootfs, 'bin', applet)).catch(() => undefined);
  }
  for (const [file, content] of Object.entries(ETC_FILES)) await fs.writeFile(path.join(rootfs, file), content);
  await fs.chmod(path.join(rootfs, 'tmp'), 0o1777);
  return rootfs;
}
