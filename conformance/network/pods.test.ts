// Pod networking through a real corrald and real CNI plugins: pods get addresses on the test's
// bridge and reach each other, a port mapping reaches a pod from 127.0.0.1, a host-network pod
// sees the host's interfaces, StopPodSandbox (also after a restart) removes addresses and rules,
// and a broken network fails RunPodSandbox with the plugin's words, leaving nothing.
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import assert from 'node:assert/strict';
import { promises as fs, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { containerConfig, grpcCode, mountsUnder, podConfig } from '../lifecycle/fixture';
import { httpGet, restartDaemon, startNetworkWorld, stopNetworkWorld, type NetworkWorld } from './world';

let world: NetworkWorld;

before(async () => {
  world = await startNetworkWorld('pods');
});
after(async () => {
  await stopNetworkWorld(world);
});

async function runPod(name: string, extra: Record<string, unknown> = {}) {
  const config = podConfig(name, extra);
  const { pod_sandbox_id: id } = await world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  return { id, config };
}

async function startContainer(
  pod: { id: string; config: PodSandboxConfig },
  name: string,
  command: string[],
): Promise<string> {
  const config = containerConfig(world.images.busybox, name, command);
  const client = world.daemon.client;
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config,
    sandbox_config: pod.config,
  });
  await client.runtime('StartContainer', { container_id: id });
  return id;
}

async function exec(id: string, cmd: string[]): Promise<string> {
  const result = await world.daemon.client.runtime('ExecSync', { container_id: id, cmd, timeout: 20 });
  assert.equal(result.exit_code, 0, `${cmd.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

async function podIps(id: string): Promise<string[]> {
  const network = (await world.daemon.client.runtime('PodSandboxStatus', { pod_sandbox_id: id, verbose: false }))
    .status!.network!;
  return [network.ip, ...network.additional_ips.map((ip) => ip.ip)].filter((ip) => ip !== '');
}

async function removePod(id: string): Promise<void> {
  await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: id });
  await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
}

const HTTPD = [
  'sh',
  '-c',
  'mkdir -p /www && echo "hello from $HOSTNAME" > /www/index.html && exec httpd -f -p 8080 -h /www',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

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
