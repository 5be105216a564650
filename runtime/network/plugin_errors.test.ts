// Bad networks fail setUp with the plugin's own words and leave nothing behind: a missing
// plugin, a plugin reporting an error mid-chain, an exhausted range, an invalid config.
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CniPluginError } from './cni_errors';
import { CniPodNetwork } from './pod_network';
import { NetworkFixture, PLUGIN_DIRS } from './testing/fixture';

async function world(t: TestContext, extraBinDir = false) {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  const binDirs = extraBinDir ? [path.join(fx.root, 'bin'), ...PLUGIN_DIRS] : PLUGIN_DIRS;
  const network = new CniPodNetwork({ enabled: true, confDir: fx.confDir, binDirs, cacheDir: fx.cacheDir });
  await network.start();
  t.after(() => network.close());
  const request = async (n: number) => ({
    podId: `${fx.tag}p${n}`,
    name: `p${n}`,
    namespace: 'default',
    uid: `u${n}`,
    netnsPath: await fx.addNetns(),
  });
  return { fx, network, request };
}

/** Nothing of a failed pod: no cache record, no address in its netns, no reservation, no rule. */
async function assertNothingLeft(fx: NetworkFixture, network: CniPodNetwork, netnsPath: string): Promise<void> {
  assert.deepEqual(await network.attachedPods(), []);
  assert.deepEqual(await fx.addressesIn(netnsPath), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
}

test('a plugin missing from the bin dirs fails setUp and readiness names it', async (t) => {
  const { fx, network, request } = await world(t);
  await fx.writeConflist([fx.bridgePlugin(), { type: 'corral-no-such-plugin' }]);
  const readiness = await network.readiness();
  assert.equal(readiness.ready, false);
  assert.equal(readiness.reason, 'NetworkPluginNotReady');
  assert.match(readiness.message, /corral-no-such-plugin/);
  const pod = await request(1);
  await assert.rejects(network.setUp(pod), /CNI plugin "corral-no-such-plugin" not found/);
  await assertNothingLeft(fx, network, pod.netnsPath);
});

test('a chained plugin reporting an error: its msg and details reach the caller, the bridge ADD is undone', async (t) => {
  const { fx, network, request } = await world(t, true);
  await fs.mkdir(path.join(fx.root, 'bin'));
  await fs.writeFile(
    path.join(fx.root, 'bin', 'crltest-broken'),
    [
      '#!/bin/sh',
      'cat >/dev/null',
      '[ "$CNI_COMMAND" = ADD ] || exit 0',
      'echo \'{"cniVersion":"1.0.0","code":7,"msg":"broken on purpose","details":"the test plugin always fails ADD"}\'',
      'exit 1',
    ].join('\n'),
    { mode: 0o755 },
  );
  await fx.writeConflist([fx.bridgePlugin(), { type: 'crltest-broken' }]);
  const pod = await request(1);
  const failure = await network.setUp(pod).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(failure instanceof CniPluginError, `got ${String(failure)}`);
  assert.equal(failure.code, 7);
  assert.match(
    failure.message,
    /crltest-broken failed ADD \(code 7\): broken on purpose: the test plugin always fails ADD/,
  );
  await assertNothingLeft(fx, network, pod.netnsPath);
});

test('a plugin that hangs is killed (with what it started) after the plugin timeout', async (t) => {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  const bin = path.join(fx.root, 'bin');
  await fs.mkdir(bin);
  await fs.writeFile(
    path.join(bin, 'crltest-hang'),
    '#!/bin/sh\n[ "$CNI_COMMAND" = ADD ] || exit 0\nsleep 600\necho never\n',
    { mode: 0o755 },
  );
  await fx.writeConflist([{ type: 'crltest-hang' }]);
  const network = new CniPodNetwork({
    enabled: true,
    confDir: fx.confDir,
    binDirs: [bin, ...PLUGIN_DIRS],
    cacheDir: fx.cacheDir,
    pluginTimeoutMs: 300,
  });
  await network.start();
  t.after(() => network.close());
  const netnsPath = await fx.addNetns();
  await assert.rejects(
    network.setUp({ podId: `${fx.tag}h`, name: 'h', namespace: 'n', uid: 'u', netnsPath }),
    /crltest-hang failed ADD: timed out after 300 ms/,
  );
  assert.deepEqual(await network.attachedPods(), []);
});

test('an exhausted range: host-local says so, the second pod leaves nothing', async (t) => {
  const { fx, network, request } = await world(t);
  const only = `10.250.${fx.octet}.10`;
  await fx.writeConflist([fx.bridgePlugin(fx.ipam(only, only))]);
  const first = await request(1);
  assert.deepEqual(await network.setUp(first), [only]);
  const second = await request(2);
  await assert.rejects(
    network.setUp(second),
    (err: Error) => err instanceof CniPluginError && /no IP addresses available/.test(err.message),
  );
  assert.deepEqual(await network.attachedPods(), [first.podId]);
  assert.deepEqual(await fx.addressesIn(second.netnsPath), []);
  assert.deepEqual(await fx.reservations(), [only]);
  await network.tearDown(first.podId);
  await assertNothingLeft(fx, network, first.netnsPath);
});

test('an invalid conflist: readiness false with the reason, setUp fails, nothing left; a valid one makes it ready', async (t) => {
  const { fx, network, request } = await world(t);
  const empty = await network.readiness();
  assert.deepEqual([empty.ready, empty.reason], [false, 'NetworkPluginNotReady']);
  assert.match(empty.message, /no CNI network config/);

  await fs.writeFile(
    path.join(fx.confDir, '05-bad.conflist'),
    '{"cniVersion":"1.0.0","name":"bad","plugins":[{"bridge":"x"}]}',
  );
  const invalid = await network.readiness();
  assert.equal(invalid.ready, false);
  assert.match(invalid.message, /05-bad\.conflist: plugins\[0\]\.type must name a plugin binary/);
  const pod = await request(1);
  await assert.rejects(network.setUp(pod), /05-bad\.conflist/);
  await assertNothingLeft(fx, network, pod.netnsPath);

  await fs.rm(path.join(fx.confDir, '05-bad.conflist'));
  await fx.writeConflist([fx.bridgePlugin()]);
  assert.equal((await network.readiness()).ready, true);
});
