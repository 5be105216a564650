// The README's set-up, as a new user runs it: a fresh Debian 12 root (debootstrap minbase + git),
// a git clone of this checkout's HEAD, the README's exact set-up command, then an image pulled
// through a registry mirror and a pod run with corralctl. The root has its own mount and pid
// namespaces (enter-root.sh) over the host's kernel; the test's registry serves the mirror.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cgroupParentDirs, mountsUnder } from '../lifecycle/fixture';
import { pushTestImages, startTestRegistry, TEST_IMAGE_REPOS, type TestRegistry } from '../testimages';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPTS = path.join(REPO, 'conformance', 'install');
const CACHE = process.env.CORRAL_INSTALL_CACHE ?? '/var/cache/corral/install';
const CGROUP_PARENT = `/corral-e2e-install-${process.pid}`;

let registry: TestRegistry | undefined;
let fresh: string | undefined;

before(async () => {
  registry = await startTestRegistry();
  await pushTestImages(registry);
});

after(async () => {
  await registry?.stop();
  if (fresh) {
    assert.deepEqual(mountsUnder(fresh), [], 'the namespace took every mount with it');
    await fs.rm(fresh, { recursive: true, force: true });
  }
  for (const dir of await cgroupParentDirs(CGROUP_PARENT)) await fs.rmdir(dir);
});

/** The first indented block of the README's set-up section: the command a user copies. */
function readmeSetupCommand(): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Set up'));
  assert.ok(section, 'README has a set-up section');
  const block = section.split('\n\n').find((para) => para.startsWith('    '));
  assert.ok(block, 'the set-up section shows its command');
  return block
    .split('\n')
    .map((line) => line.slice(4))
    .join('\n');
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function freshRoot(): Promise<string> {
  const pristine = run('bash', [path.join(SCRIPTS, 'debian-root.sh')]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-fresh-'));
  const root = path.join(dir, 'root');
  run('cp', ['-a', pristine, root]);
  await fs.rm(path.join(root, '.complete'));
  return dir;
}

/** Runs in-root.sh as pid 1 of new mount and pid namespaces; resolves with its output. */
function enterRoot(root: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--pid',
        '--fork',
        '--propagation',
        'private',
        'bash',
        path.join(SCRIPTS, 'enter-root.sh'),
        root,
        CACHE,
        '/install-test.sh',
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function values(out: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) found.set(m[1], m[2]);
  }
  return found;
}

test(
  'a fresh Debian 12 root: the README set-up, then pull through a mirror and run a pod',
  { timeout: 30 * 60_000 },
  async () => {
    fresh = await freshRoot();
    const root = path.join(fresh, 'root');
    run('git', ['clone', '--quiet', REPO, path.join(root, 'opt', 'corral')]);
    // The operator's config, pre-seeded as configuration management would: docker.io via a mirror.
    await fs.mkdir(path.join(root, 'etc', 'corral'));
    const config = await fs.readFile(path.join(REPO, 'deploy', 'corral.toml'), 'utf8');
    await fs.writeFile(
      path.join(root, 'etc', 'corral', 'corral.toml'),
      `${config}\n[registry.mirrors."docker.io"]\nendpoints = ["${registry!.url}"]\n`,
    );
    await fs.writeFile(path.join(root, 'setup-command.sh'), `set -e\n${readmeSetupCommand()}\n`);
    await fs.copyFile(path.join(SCRIPTS, 'in-root.sh'), path.join(root, 'install-test.sh'));

    const { code, out } = await enterRoot(root, {
      IMAGE: `docker.io/${TEST_IMAGE_REPOS.busybox}`,
      CGROUP_PARENT,
    });
    const got = values(out);
    console.log(
      out
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .join('\n'),
    );
    assert.equal(code, 0, `the run stopped at ${got.get('STEP')}:\n${out}`);
    assert.equal(got.get('CORRALCTL'), '/usr/local/bin/corralctl');
    assert.match(got.get('NODE_VERSION') ?? '', /^v20\./);
    assert.equal(got.get('EXEC'), '42');
    assert.equal(got.get('LOGS'), 'hello from a fresh node');
    assert.equal(got.get('STATE'), '"CONTAINER_RUNNING"');
    assert.equal(got.get('PODS_LEFT'), '0');
    const [onPath, running, data] = (got.get('AFTER_UNINSTALL') ?? '').split('|');
    assert.equal(onPath, '', 'uninstall removes corralctl, corrald and the fetched node');
    assert.equal(running, '', 'uninstall stops corrald');
    assert.notEqual(data?.trim(), '', 'uninstall keeps the data');
    assert.equal(got.get('AFTER_PURGE')?.trim(), '', '--purge removes data and config');
    const added = (got.get('ADDED_PACKAGES') ?? '').split(' ');
    for (const testTool of [
      'qemu-system-x86',
      'docker-registry',
      'busybox-static',
      'apache2-utils',
      'cpio',
      'debootstrap',
    ])
      assert.ok(!added.includes(testTool), `the node set-up installs no test tool (${testTool})`);
  },
);
