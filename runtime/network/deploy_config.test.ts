// The shipped deploy/cni/10-corral-bridge.conflist works with the installed plugins: loaded as is,
// then run on a test bridge and subnet (only those two values changed) through ADD and DEL.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseConfigText } from './cni_config';
import { CniPodNetwork } from './pod_network';
import { NetworkFixture, PLUGIN_DIRS } from './testing/fixture';

const SHIPPED = path.resolve(__dirname, '..', '..', '..', 'deploy', 'cni', '10-corral-bridge.conflist');

test('the shipped bridge conflist gives a pod an address and a port mapping, and DEL undoes it', async (t) => {
  const text = await fs.readFile(SHIPPED, 'utf8');
  const shipped = parseConfigText(text, SHIPPED);
  assert.deepEqual(
    shipped.plugins.map((p) => p.type),
    ['bridge', 'portmap', 'loopback'],
  );

  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  const onTestBridge = text
    .replace('"corral0"', JSON.stringify(fx.bridge))
    .replace('10.89.0.0/16', fx.subnet)
    .replace('"type": "host-local",', `"type": "host-local", "dataDir": ${JSON.stringify(fx.ipamDir)},`);
  await fs.writeFile(
    path.join(fx.confDir, '10-corral-bridge.conflist'),
    onTestBridge.replace('"name": "corral"', `"name": "${fx.networkName}"`),
  );
  const network = new CniPodNetwork({
    enabled: true,
    confDir: fx.confDir,
    binDirs: PLUGIN_DIRS,
    cacheDir: fx.cacheDir,
  });
  await network.start();
  t.after(() => network.close());

  const netnsPath = await fx.addNetns();
  const podId = `${fx.tag}deploy`;
  const ips = await network.setUp({
    podId,
    name: 'p',
    namespace: 'default',
    uid: 'u',
    netnsPath,
    portMappings: [{ hostPort: 40000 + fx.octet, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' }],
  });
  assert.equal(ips.length, 1);
  assert.ok(ips[0].startsWith(`10.250.${fx.octet}.`));
  assert.deepEqual(await fx.addressesIn(netnsPath), ips);
  await network.check(podId);
  await network.tearDown(podId);
  assert.deepEqual(await fx.addressesIn(netnsPath), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await fx.reservations(), []);
});
