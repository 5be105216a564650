// Host-side things the configs point at, made once per runtime so that neither sees the other's
// writes: a volume, a file, a tree with a submount (for recursive read-only), a directory that is
// a shared mount (rslave and rshared need one), a seccomp profile. Removed with every mount.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Blocks chmod, so a Localhost profile has a visible effect in status (Seccomp: 2). */
const SECCOMP_PROFILE = JSON.stringify({
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['chmod', 'fchmodat', 'fchmodat2'], action: 'SCMP_ACT_ERRNO' }],
});

export class HostFixture {
  private constructor(readonly base: string) {}

  static async create(): Promise<HostFixture> {
    const fixture = new HostFixture(await fs.mkdtemp(path.join(os.tmpdir(), 'corral-diff-host-')));
    await fs.writeFile(fixture.seccompProfile, SECCOMP_PROFILE);
    return fixture;
  }

  /** A char device no default device rule allows, so a CRI device's permissions decide; else /dev/zero. */
  get spareDevice(): string {
    return ['/dev/loop-control', '/dev/fuse', '/dev/vga_arbiter'].find((dev) => existsSync(dev)) ?? '/dev/zero';
  }

  get seccompProfile(): string {
    return path.join(this.base, 'seccomp.json');
  }

  /** A fresh directory of mount sources for one runtime. */
  async runtimeDir(name: string): Promise<string> {
    const dir = path.join(this.base, name);
    await fs.mkdir(path.join(dir, 'vol'), { recursive: true });
    await fs.writeFile(path.join(dir, 'vol', 'hello'), 'hello from the host\n');
    await fs.writeFile(path.join(dir, 'file.txt'), 'a host file\n');
    await fs.mkdir(path.join(dir, 'tree', 'sub'), { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=755', 'diff-submount', path.join(dir, 'tree', 'sub')]);
    await fs.mkdir(path.join(dir, 'shared'));
    await run('mount', ['--bind', path.join(dir, 'shared'), path.join(dir, 'shared')]);
    await run('mount', ['--make-rshared', path.join(dir, 'shared')]);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const point of mountsUnder(this.base)) await run('umount', ['-l', point]).catch(() => undefined);
    await fs.rm(this.base, { recursive: true, force: true });
  }
}

/** Mount points below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}
