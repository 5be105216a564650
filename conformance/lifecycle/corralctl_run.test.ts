// corralctl run, as docker run is used: pull when absent, output, exit code, --rm leaves nothing
// (also after SIGINT/SIGTERM), -d with a name, environment and working directory, -i (stdin),
// -t (a terminal, under a real pty), -v, --user, --memory, --cpus, --privileged, --net, masked paths.
// -p is in conformance/network/corralctl_run_ports.test.ts (it needs CNI).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, mountsUnder, startWorld, stopWorld, type LifecycleWorld } from './fixture';
import { TEST_USER } from '../testimages';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');

let world: LifecycleWorld;

before(async () => {
  world = await startWorld('run');
});
after(async () => {
  await stopWorld(world);
});

function ctlArgs(...args: string[]): string[] {
  return [CORRALCTL, '--endpoint', `unix://${world.daemon.dirs.socket}`, ...args];
}

function ctl(...args: string[]): { out: string; err: string; code: number | null } {
  return ctlWithInput(undefined, ...args);
}

function ctlWithInput(input: string | undefined, ...args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, ctlArgs(...args), { encoding: 'utf8', input });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

/** Runs corralctl on a real pty (util-linux script, -e: its exit code) with `input` typed after
 *  `waitFor` shows up in the output; killed (failing the test) if still running after a minute. */
function ctlOnPty(
  args: string[],
  session: { waitFor?: RegExp; input?: string; size?: { rows: number; cols: number } } = {},
): Promise<{ out: string; code: number | null }> {
  const quoted = [process.execPath, ...ctlArgs(...args)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const command = session.size ? `stty rows ${session.size.rows} cols ${session.size.cols}; ${quoted}` : quoted;
  const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (!typed && session.input !== undefined && session.waitFor?.test(out)) {
      typed = true;
      child.stdin.write(session.input);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    }),
  );
}

async function nothingLeft(): Promise<void> {
  assert.deepEqual((await world.daemon.client.runtime('ListContainers', {})).containers, []);
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
}

test('run --rm IMAGE echo hi prints hi, exits 0 and leaves nothing; an exit code comes back', async () => {
  const hi = ctl('run', '--rm', world.images.busybox, 'echo', 'hi');
  assert.equal(hi.code, 0, hi.err);
  assert.equal(hi.out, 'hi\n');
  await nothingLeft();
  const three = ctl('run', '--rm', world.images.busybox, 'sh', '-c', 'echo out; echo err >&2; exit 3');
  assert.equal(three.code, 3);
  assert.equal(three.out, 'out\n');
  assert.equal(three.err, 'err\n');
  await nothingLeft();
});

test('run pulls an absent image; -d --name -e -w start it in the background', async () => {
  const r = ctl(
    'run',
    '-d',
    '--name',
    'bg',
    '-e',
    'GREETING=hello',
    '-w',
    '/tmp',
    world.images.busyboxUser,
    'sh',
    '-c',
    'echo "$GREETING from $(pwd)"; exec sleep 100',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^pulling /);
  const id = r.out.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  for (let i = 0; i < 100 && ctl('logs', id).out === ''; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(ctl('logs', id).out, 'hello from /tmp\n');
  const { containers } = await world.daemon.client.runtime('ListContainers', {});
  assert.equal(containers[0]?.metadata?.name, 'bg');
  const podId = containers[0].pod_sandbox_id;
  assert.equal(ctl('stopp', podId).code, 0);
  assert.equal(ctl('rmp', podId).code, 0);
  await nothingLeft();
});

test('run refuses bad flags before making anything', async () => {
  for (const args of [
    ['--bogus', 'x'],
    ['-v', 'relative:/x', 'img'],
    ['--net', 'bridge', 'img'],
    ['-e', 'NOEQUALS', 'img'],
    [],
  ]) {
    const r = ctl('run', ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(
      r.err,
      /^corralctl: (unknown flag --bogus\nusage: corralctl run|-v takes|--net is host or pod|-e takes|missing IMAGE)/,
    );
  }
  await nothingLeft();
});

test('-i feeds stdin to the container (cat echoes it, read gets it, the exit code comes back)', async () => {
  const cat = ctlWithInput('one\ntwo\n', 'run', '--rm', '-i', world.images.busybox, 'cat');
  assert.equal(cat.code, 0, cat.err);
  assert.equal(cat.out, 'one\ntwo\n');
  const read = ctlWithInput(
    'hello\n',
    'run',
    '--rm',
    '-i',
    world.images.busybox,
    'sh',
    '-c',
    'read x; echo "got $x"; exit 7',
  );
  assert.equal(read.code, 7, read.err);
  assert.equal(read.out, 'got hello\n');
  await nothingLeft();
});

test('-t gives the container a terminal (tty prints /dev/pts/N) and passes its exit code; -it takes typed input', async () => {
  const t = await ctlOnPty(['run', '--rm', '-t', world.images.busybox, 'sh', '-c', 'sleep 1; tty; exit 5']);
  assert.equal(t.code, 5, t.out);
  assert.match(t.out, /^\/dev\/pts\/\d+\r?$/m);
  const sized = await ctlOnPty(['run', '--rm', '-t', world.images.busybox, 'sh', '-c', 'sleep 1; stty size'], {
    size: { rows: 33, cols: 101 },
  });
  assert.match(sized.out, /^33 101\r?$/m, "the container's terminal has corralctl's terminal size");
  const quick = await ctlOnPty(['run', '--rm', '-t', world.images.busybox, 'tty']);
  assert.equal(quick.code, 0, quick.out);
  assert.match(quick.out, /\/dev\/pts\/\d+/, 'output from before the attach comes from the log');
  const it = await ctlOnPty(['run', '--rm', '-it', world.images.busybox, 'sh'], {
    // The shell's first prompt may come before the attach (as with kubectl run -it): type on the hint.
    waitFor: /If you don't see a prompt, press Enter/,
    input: 'echo "typed $((6 * 7))"; exit 3\r',
  });
  assert.equal(it.code, 3, it.out);
  assert.match(it.out, /typed 42/);
  await nothingLeft();
});

test('Ctrl-C or SIGTERM stops the container, and --rm still removes everything', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const child = spawn(
      process.execPath,
      ctlArgs(
        'run',
        '--rm',
        world.images.busybox,
        'sh',
        '-c',
        'trap "exit 42" TERM; touch /trapped; sleep 1000 & wait',
      ),
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Running is not enough: a signal before the shell ran `trap` ends it with 143, not 42.
    await eventually("the container's shell set its trap", async () => {
      const { containers } = await world.daemon.client.runtime('ListContainers', {});
      const running = containers.find((c) => c.state === 'CONTAINER_RUNNING');
      if (!running) return false;
      const probe = await world.daemon.client.runtime('ExecSync', {
        container_id: running.id,
        cmd: ['test', '-e', '/trapped'],
        timeout: 5,
      });
      return probe.exit_code === 0;
    });
    child.kill(signal);
    assert.equal(await exited, 42, `${signal}: the container's stop signal and exit code`);
    await nothingLeft();
  }
});

test('-v mounts a host directory read-write, or read-only with :ro', async () => {
  const dir = path.join(world.daemon.dirs.base, 'volume');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'in'), 'from the host\n');
  const rw = ctl(
    'run',
    '--rm',
    '-v',
    `${dir}:/data`,
    world.images.busybox,
    'sh',
    '-c',
    'cat /data/in; echo back > /data/out',
  );
  assert.equal(rw.code, 0, rw.err);
  assert.equal(rw.out, 'from the host\n');
  assert.equal(readFileSync(path.join(dir, 'out'), 'utf8'), 'back\n');
  const ro = ctl(
    'run',
    '--rm',
    '-v',
    `${dir}:/data:ro`,
    world.images.busybox,
    'sh',
    '-c',
    'cat /data/in; echo x > /data/ro',
  );
  assert.notEqual(ro.code, 0);
  assert.equal(ro.out, 'from the host\n');
  assert.match(ro.err, /Read-only file system/);
  await assert.rejects(fs.access(path.join(dir, 'ro')));
  await fs.rm(dir, { recursive: true });
  await nothingLeft();
});

test('--user takes a uid, uid:gid or a name from the image', async () => {
  const image = world.images.busyboxUser;
  assert.equal(ctl('run', '--rm', '--user', '4321', image, 'id', '-u').out, '4321\n');
  assert.equal(ctl('run', '--rm', '--user', '4321:99', image, 'sh', '-c', 'echo $(id -u):$(id -g)').out, '4321:99\n');
  const named = ctl('run', '--rm', '--user', TEST_USER.name, world.images.busybox, 'sh', '-c', 'id -un; id -u');
  assert.equal(named.out, `${TEST_USER.name}\n${TEST_USER.uid}\n`, named.err);
  await nothingLeft();
});

const CGROUP_LIMITS =
  'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; ' +
  'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max';

test('--memory and --cpus reach the container cgroup and its status', async () => {
  const r = ctl(
    'run',
    '-d',
    '--name',
    'limits',
    '--memory',
    '64m',
    '--cpus',
    '0.5',
    world.images.busybox,
    'sleep',
    '1000',
  );
  assert.equal(r.code, 0, r.err);
  const id = r.out.trim();
  const inside = ctl('exec', 'limits', 'sh', '-c', CGROUP_LIMITS);
  assert.equal(inside.code, 0, inside.err);
  assert.match(inside.out, /^67108864\n(50000\n100000|50000 100000)\n$/);
  const { status } = await world.daemon.client.runtime('ContainerStatus', { container_id: id, verbose: false });
  assert.equal(status?.resources?.linux?.memory_limit_in_bytes, String(64 * 1024 * 1024));
  assert.equal(status?.resources?.linux?.cpu_quota, '50000');
  assert.equal(status?.resources?.linux?.cpu_period, '100000');
  assert.equal(ctl('rm', '-f', 'limits').code, 0);
  assert.equal(ctl('rmp', '-f', 'limits').code, 0);
  await nothingLeft();
});

/** Bit 21 of CapEff: CAP_SYS_ADMIN, which only a privileged container holds. */
function hasSysAdmin(statusText: string): boolean {
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText)?.[1] ?? '0';
  return (BigInt(`0x${capEff}`) & (1n << 21n)) !== 0n;
}

test('--privileged gives the container every capability and the host devices', async () => {
  const plain = ctl('run', '--rm', world.images.busybox, 'sh', '-c', 'cat /proc/self/status; ls /dev');
  const privileged = ctl(
    'run',
    '--rm',
    '--privileged',
    world.images.busybox,
    'sh',
    '-c',
    'cat /proc/self/status; ls /dev',
  );
  assert.equal(plain.code, 0, plain.err);
  assert.equal(privileged.code, 0, privileged.err);
  assert.equal(hasSysAdmin(plain.out), false);
  assert.equal(hasSysAdmin(privileged.out), true);
  assert.doesNotMatch(plain.out, /^loop-control$/m);
  assert.match(privileged.out, /^loop-control$/m);
  await nothingLeft();
});

/** The mountinfo line of a mount point, or undefined. */
function mountAt(mountinfo: string, where: string): string | undefined {
  return mountinfo.split('\n').find((line) => line.split(' ')[4] === where);
}

test('run masks /proc and /sys as kubelet asks (and docker run does); --privileged does not', async () => {
  const show = (...flags: string[]) =>
    ctl('run', '--rm', ...flags, world.images.busybox, 'cat', '/proc/self/mountinfo');
  const plain = show();
  const privileged = show('--privileged');
  assert.equal(plain.code, 0, plain.err);
  assert.equal(privileged.code, 0, privileged.err);
  assert.ok(mountAt(plain.out, '/proc/keys'), `/proc/keys is not masked:\n${plain.out}`);
  assert.match(mountAt(plain.out, '/proc/sys') ?? '', /\bro\b/, `/proc/sys is not read-only:\n${plain.out}`);
  assert.equal(mountAt(privileged.out, '/proc/keys'), undefined);
  await nothingLeft();
});

function interfaces(procNetDev: string): string[] {
  return procNetDev
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0].trim())
    .filter(Boolean)
    .sort();
}

test('--net host shares the host network; --net pod (the default) has its own', async () => {
  // The namespace's identity, not its interface list: other tests on the host may add interfaces.
  const host = ctl('run', '--rm', '--net', 'host', world.images.busybox, 'readlink', '/proc/self/ns/net');
  assert.equal(host.code, 0, host.err);
  assert.equal(host.out.trim(), readlinkSync('/proc/self/ns/net'));
  const pod = ctl(
    'run',
    '--rm',
    '--net',
    'pod',
    world.images.busybox,
    'sh',
    '-c',
    'readlink /proc/self/ns/net; cat /proc/net/dev',
  );
  assert.equal(pod.code, 0, pod.err);
  const [podNs, ...devices] = pod.out.split('\n');
  assert.match(podNs, /^net:\[\d+\]$/);
  assert.notEqual(podNs, readlinkSync('/proc/self/ns/net'));
  assert.deepEqual(interfaces(devices.join('\n')), ['lo'], 'CNI is off in this world: the pod has only loopback');
  await nothingLeft();
});
