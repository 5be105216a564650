// Pod networking through a real corrald and real CNI plugins: pods get addresses on the test's
// bridge and reach each other, a port mapping reaches a pod from 127.0.0.1, a host-network pod
// sees the host's interfaces, StopPodSandbox (also after a restart) removes addresses and rules,
// and a broken network fails RunPodSandbox with the plugin's words, leaving nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cgroupParentDirs, containerConfig, grpcCode, mountsUnder, podConfig } from '../lifecycle/fixture';
import { httpGet, restartDaemon, startNetworkWorld, stopNetworkWorld, type NetworkWorld } from './world';
import {
  execOk,
  freePort,
  removePod as removePodIn,
  runPod as runPodIn,
  startContainer as startIn,
  type RunningPod,
} from '../testing/pods';

let world: NetworkWorld;

before(async () => {
  world = await startNetworkWorld('pods');
});
after(async () => {
  await stopNetworkWorld(world);
});

const runPod = (name: string, extra: Record<string, unknown> = {}) => runPodIn(world.daemon.client, name, extra);
const removePod = (id: string) => removePodIn(world.daemon.client, id);
const startContainer = (pod: RunningPod, name: string, command: string[]) =>
  startIn(world.daemon.client, pod, containerConfig(world.images.busybox, name, command));
const exec = async (id: string, cmd: string[]) => (await execOk(world.daemon.client, id, cmd)).stdout;

async function podIps(id: string): Promise<string[]> {
  const network = (await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: id, verbose: false }))
    .status!.network!;
  return [network.ip, ...network.additional_ips.map((ip) => ip.ip)].filter((ip) => ip !== '');
}

const HTTPD = [
  'sh',
  '-c',
  'mkdir -p /www && echo "hello from $HOSTNAME" > /www/index.html && exec httpd -f -p 8080 -h /www',
];

test('two pods reach each other; a port mapping reaches a pod from 127.0.0.1; stop removes addresses and rules', async () => {
  const { fx } = world;
  const hostPort = await freePort();
  const web = await runPod('web', {
    port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: hostPort, host_ip: '127.0.0.1' }],
    dns_config: { servers: [fx.gateway], searches: ['svc.test'], options: ['ndots:2'] },
  });
  const client = await runPod('client');
  const [webIp] = await podIps(web.id);
  assert.match(webIp ?? '', new RegExp(`^10\\.250\\.${fx.octet}\\.\\d+$`), 'the pod IP is on the test subnet');
  assert.equal((await podIps(client.id)).length, 1);
  assert.notEqual((await podIps(client.id))[0], webIp);

  const server = await startContainer(web, 'httpd', HTTPD);
  const caller = await startContainer(client, 'caller', ['sleep', '1000']);
  assert.match(
    await exec(server, ['cat', '/etc/hosts']),
    new RegExp(`^${webIp.replace(/\./g, '\\.')}\\s+web-host$`, 'm'),
  );
  assert.equal(
    await exec(server, ['cat', '/etc/resolv.conf']),
    `search svc.test\nnameserver ${fx.gateway}\noptions ndots:2\n`,
  );
  assert.match(
    await exec(server, ['ip', 'addr', 'show', 'eth0']),
    new RegExp(`inet ${webIp.replace(/\./g, '\\.')}/24`),
  );
  assert.equal(await exec(caller, ['wget', '-q', '-O', '-', `http://${webIp}:8080/`]), 'hello from web-host\n');
  assert.equal(await httpGet('127.0.0.1', hostPort), 'hello from web-host\n');
  assert.ok((await fx.natRulesOfThisTest()).length > 0);

  await removePod(web.id);
  await removePod(client.id);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  await assert.rejects(httpGet('127.0.0.1', hostPort));
  assert.deepEqual(mountsUnder(world.daemon.dirs.base), []);
});

test('a host-network pod uses the host network namespace and gets no CNI address', async () => {
  const pod = await runPod('hostnet', {
    linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  });
  const id = await startContainer(pod, 'shell', ['sleep', '1000']);
  assert.equal((await exec(id, ['readlink', '/proc/self/ns/net'])).trim(), readlinkSync('/proc/self/ns/net'));
  const hostLinks = (await fs.readFile('/proc/net/dev', 'utf8'))
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0].trim())
    .filter(Boolean);
  const podLinks = (await exec(id, ['cat', '/proc/net/dev']))
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0].trim())
    .filter(Boolean);
  assert.ok(hostLinks.includes('eth0') || hostLinks.length > 1);
  for (const link of hostLinks.filter((l) => !l.startsWith('veth') && !l.startsWith('crltest')))
    assert.ok(podLinks.includes(link), `${link} seen in the pod`);
  assert.deepEqual(await world.fx.reservations(), []);
  await removePod(pod.id);
});

test('StopPodSandbox after a corrald restart removes the address and rules', async () => {
  const { fx } = world;
  const hostPort = await freePort();
  const pod = await runPod('survivor', {
    port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: hostPort, host_ip: '127.0.0.1' }],
  });
  const [ip] = await podIps(pod.id);
  assert.equal((await fx.reservations()).length, 1);

  const dirs = world.daemon.dirs;
  await world.daemon.kill9();
  await restartDaemon(world, dirs);
  assert.deepEqual(await podIps(pod.id), [ip], 'the IP is still reported after the restart');
  assert.equal((await fx.reservations()).length, 1, 'a restart alone releases nothing');

  await removePod(pod.id);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
});

test('a failing plugin fails RunPodSandbox with its own words and leaves nothing of the pod', async () => {
  const { fx } = world;
  const conflist = path.join(fx.confDir, '10-test.conflist');
  const good = await fs.readFile(conflist, 'utf8');
  const only = `10.250.${fx.octet}.200`;
  await fx.writeConflist([
    fx.bridgePlugin(fx.ipam(only, only)),
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ]);
  try {
    const first = await runPod('first');
    const code = await grpcCode(
      world.daemon.client.runtime('RunPodSandbox', { config: podConfig('second'), runtime_handler: '' }),
    );
    assert.notEqual(code, 'OK');
    const failure = await world.daemon.client
      .runtime('RunPodSandbox', { config: podConfig('third'), runtime_handler: '' })
      .catch((err: Error) => err);
    assert.ok(failure instanceof Error);
    assert.match(failure.message, /CNI plugin bridge failed ADD.*no IP addresses available/);
    const pods = (await world.daemon.client.runtime('ListPodSandbox', {})).items;
    assert.deepEqual(
      pods.map((p) => p.id),
      [first.id],
      'the failed pods are not listed',
    );
    assert.deepEqual(await fx.reservations(), [only]);
    await removePod(first.id);
    assert.deepEqual(mountsUnder(world.daemon.dirs.base), [], 'no pins or mounts left');
    assert.deepEqual(await fx.natRulesOfThisTest(), []);
  } finally {
    await fs.writeFile(conflist, good);
  }
});

test('an infra that fails while CNI ADD runs beside it leaves nothing: no pod, pins, address, rule or veth', async () => {
  const { fx, daemon } = world;
  // Written by the infra after the network namespace (pinned first) is handed to CNI: refused.
  const linux = {
    sysctls: { 'kernel.shm_rmid_forced': 'not-a-number' },
    security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
  };
  const failure = await daemon.client
    .runtime('RunPodSandbox', { config: podConfig('sysctl', { linux }), runtime_handler: '' })
    .catch((err: Error) => err);
  assert.ok(failure instanceof Error);
  assert.match(failure.message, /shm_rmid_forced/);
  assert.deepEqual((await daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(daemon.dirs.base), [], 'no pins or mounts left');
  assert.deepEqual(await fs.readdir(path.join(daemon.dirs.state, 'sandboxes')), []);
  assert.deepEqual(await fs.readdir(path.join(daemon.dirs.root, 'cni', 'results')), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await fx.bridgePorts(), []);
});

/** The pod directory whose network namespace pin appeared first (RunPodSandbox's first step). */
async function firstPinnedPod(sandboxes: string): Promise<string> {
  for (let i = 0; i < 20_000; i++) {
    for (const id of await fs.readdir(sandboxes).catch(() => [] as string[])) {
      if (await fs.stat(path.join(sandboxes, id, 'ns', 'net')).catch(() => undefined)) return id;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('no pod network namespace was pinned');
}

/** Waits until no CNI plugin started for `podId` runs any more (they outlive a killed corrald). */
async function pluginsDone(podId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const environs = await Promise.all(
      (await fs.readdir('/proc'))
        .filter((p) => /^\d+$/.test(p))
        .map((p) => fs.readFile(`/proc/${p}/environ`, 'latin1').catch(() => '')),
    );
    if (!environs.some((env) => env.includes(`CNI_CONTAINERID=${podId}\0`))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`CNI plugins of pod ${podId} still run`);
}

test('a kill -9 once the netns is pinned (CNI ADD beside the infra): after the restart nothing of the pod is left', async () => {
  const { fx } = world;
  const dirs = world.daemon.dirs;
  const call = world.daemon.client
    .runtime('RunPodSandbox', { config: podConfig('killed'), runtime_handler: '' })
    .catch((err: Error) => err);
  const podId = await firstPinnedPod(path.join(dirs.state, 'sandboxes'));
  await world.daemon.kill9();
  assert.ok((await call) instanceof Error, 'the call ends with corrald');
  await pluginsDone(podId);
  await restartDaemon(world, dirs);
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(dirs.base), [], 'no pins or mounts left');
  assert.deepEqual(await fs.readdir(path.join(dirs.state, 'sandboxes')), []);
  assert.deepEqual(await fs.readdir(path.join(dirs.root, 'cni', 'results')), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await fx.bridgePorts(), []);
  assert.deepEqual(await podCgroupsLeft(podId), [], 'no cgroups of the pod left');
});

/** The pod's cgroup directories (its own and its infra's) still there in any hierarchy. */
async function podCgroupsLeft(podId: string): Promise<string[]> {
  const dirs = (await cgroupParentDirs(world.cgroupParent)).map((parent) => path.join(parent, podId));
  const found = await Promise.all(
    dirs.map((dir) =>
      fs.stat(dir).then(
        () => dir,
        () => undefined,
      ),
    ),
  );
  return found.filter((dir): dir is string => dir !== undefined);
}

/**
 * Holds the lock of the test's host-local store, so the bridge plugin's ADD waits for it: a
 * RunPodSandbox then stays in the middle, with its cgroups and infra made. Returns the release.
 */
async function holdIpamLock(): Promise<() => Promise<void>> {
  const dir = path.join(world.fx.ipamDir, world.fx.networkName);
  await fs.mkdir(dir, { recursive: true });
  const holder = spawn('flock', ['-x', path.join(dir, 'lock'), '-c', 'echo held; exec sleep 600'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', () => reject(new Error('flock ended before it held the lock')));
  });
  return async () => {
    process.kill(-holder.pid!, 'SIGKILL'); // flock and the sleep holding the lock with it
    await exited;
  };
}

test("a kill -9 while ADD waits: after the restart the pod's cgroups and NAT rules are gone too", async () => {
  const dirs = world.daemon.dirs;
  const release = await holdIpamLock();
  let podId = '';
  try {
    const call = world.daemon.client
      .runtime('RunPodSandbox', { config: podConfig('cut-short'), runtime_handler: '' })
      .catch((err: Error) => err);
    podId = await firstPinnedPod(path.join(dirs.state, 'sandboxes'));
    for (let i = 0; i < 10_000 && (await podCgroupsLeft(podId)).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.notDeepEqual(await podCgroupsLeft(podId), [], "the pod's cgroups were made");
    await world.daemon.kill9();
    assert.ok((await call) instanceof Error, 'the call ends with corrald');
  } finally {
    await release();
  }
  await pluginsDone(podId);
  await restartDaemon(world, dirs);
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(await podCgroupsLeft(podId), [], 'no cgroups of the pod left');
  assert.deepEqual(mountsUnder(dirs.base), [], 'no pins or mounts left');
  assert.deepEqual(await fs.readdir(path.join(dirs.state, 'sandboxes')), []);
  assert.deepEqual(await world.fx.reservations(), []);
  assert.deepEqual(await world.fx.natRulesOfThisTest(), [], "no masquerade rule of the pod's address left");
  assert.deepEqual(await world.fx.bridgePorts(), []);
});

test('a kill -9 while StopPodSandbox waits on DEL (the pod already NOTREADY): remove after the restart leaves nothing', async () => {
  const dirs = world.daemon.dirs;
  const pod = await runPod('stop-cut-short');
  const release = await holdIpamLock(); // the bridge plugin's DEL waits for it
  try {
    const stop = world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id }).catch((err: Error) => err);
    for (let i = 0; i < 10_000 && (await podState(pod.id)) !== 'SANDBOX_NOTREADY'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.equal(await podState(pod.id), 'SANDBOX_NOTREADY', 'recorded NOTREADY while DEL still runs');
    assert.equal((await world.fx.reservations()).length, 1, 'DEL has not released the address yet');
    await world.daemon.kill9();
    assert.ok((await stop) instanceof Error, 'the call ends with corrald');
  } finally {
    await release();
  }
  await pluginsDone(pod.id);
  await restartDaemon(world, dirs);
  assert.equal(await podState(pod.id), 'SANDBOX_NOTREADY');
  await removePod(pod.id);
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(dirs.base), [], 'no pins or mounts left');
  assert.deepEqual(await fs.readdir(path.join(dirs.root, 'cni', 'results')), []);
  assert.deepEqual(await world.fx.reservations(), []);
  assert.deepEqual(await world.fx.natRulesOfThisTest(), []);
  assert.deepEqual(await world.fx.bridgePorts(), []);
  assert.deepEqual(await podCgroupsLeft(pod.id), [], 'no cgroups of the pod left');
});

async function podState(id: string): Promise<string | undefined> {
  const reply = await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: id, verbose: false });
  return reply.status?.state;
}
