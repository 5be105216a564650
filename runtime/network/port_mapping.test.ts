// Port mappings through the portmap plugin: a server in a test pod answers on the host's
// 127.0.0.1:<hostPort>, and DEL removes the DNAT rules again.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { CniPodNetwork } from './pod_network';
import { NetworkFixture, PLUGIN_DIRS } from './testing/fixture';

test('a hostPort on 127.0.0.1 reaches the pod; DEL removes its rules', async (t) => {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  await fx.writeConflist([fx.bridgePlugin(), { type: 'portmap', capabilities: { portMappings: true }, snat: true }]);
  const network = new CniPodNetwork({
    enabled: true,
    confDir: fx.confDir,
    binDirs: PLUGIN_DIRS,
    cacheDir: fx.cacheDir,
  });
  await network.start();
  t.after(() => network.close());

  const ns = await fx.addNetns();
  const hostPort = await unusedLoopbackPort();
  const podId = `${fx.tag}web`;
  await network.setUp({
    podId,
    name: 'web',
    namespace: 'default',
    uid: `uid-${fx.tag}`,
    netnsPath: ns,
    portMappings: [{ hostPort, containerPort: 8080, protocol: 'tcp', hostIP: '127.0.0.1' }],
  });
  await fx.tcpServer(ns, 8080, 'hello through portmap');
  assert.equal(await fetchFrom('127.0.0.1', hostPort), 'hello through portmap');
  assert.ok(
    (await fx.natRulesOfThisTest()).some((rule) => rule.includes(`--dport ${hostPort}`)),
    'portmap added a DNAT rule',
  );

  await network.tearDown(podId);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await fx.reservations(), []);
  await assert.rejects(fetchFrom('127.0.0.1', hostPort), 'nothing answers once the mapping is gone');
});

function fetchFrom(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** A port nothing on the host's loopback listens on now (the kernel picks it, we release it). */
function unusedLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
