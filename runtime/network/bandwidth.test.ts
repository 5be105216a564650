// The bandwidth capability end to end: the pod's kubernetes.io/*-bandwidth annotations reach the
// bandwidth plugin, which shapes the pod's host-side veth (and an ifb for egress); DEL undoes it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isObject } from './cni_config';
import { CniPodNetwork } from './pod_network';
import { NetworkFixture, PLUGIN_DIRS, sh } from './testing/fixture';

test('bandwidth annotations shape the pod through the bandwidth plugin; DEL removes the shaping', async (t) => {
  const fx = await NetworkFixture.create();
  await fx.writeConflist([fx.bridgePlugin(), { type: 'bandwidth', capabilities: { bandwidth: true } }]);
  const network = new CniPodNetwork({
    enabled: true,
    confDir: fx.confDir,
    binDirs: PLUGIN_DIRS,
    cacheDir: fx.cacheDir,
  });
  await network.start();
  const podId = `${fx.tag}bw`;
  // DEL before the fixture goes: the ifb device lives on the host, outside the test's netns.
  t.after(async () => {
    await network.tearDown(podId).catch(() => undefined);
    network.close();
    await fx.cleanup();
  });
  await network.setUp({
    podId,
    name: 'bw',
    namespace: 'default',
    uid: 'u',
    netnsPath: await fx.addNetns(),
    annotations: { 'kubernetes.io/ingress-bandwidth': '1M', 'kubernetes.io/egress-bandwidth': '2M' },
  });
  const hostVeth = await hostSideVeth(fx);
  assert.match(await sh('tc', ['qdisc', 'show', 'dev', hostVeth]), /tbf .* rate 1Mbit/);
  const ifb = `bwp${(await sh('ip', ['-o', 'link', 'show', 'type', 'ifb'])).match(/bwp([0-9a-f]+)/)?.[1] ?? ''}`;
  assert.notEqual(ifb, 'bwp', 'an ifb device carries the egress limit');
  assert.match(await sh('tc', ['qdisc', 'show', 'dev', ifb]), /tbf .* rate 2Mbit/);

  await network.tearDown(podId);
  assert.equal(await fx.linkExists(ifb), false);
  assert.deepEqual(await fx.reservations(), []);
});

/** The veth the bridge plugin attached to the test bridge (the one port of the pod). */
async function hostSideVeth(fx: NetworkFixture): Promise<string> {
  const links = JSON.parse(await sh('ip', ['-j', 'link', 'show', 'master', fx.bridge])) as unknown[];
  const names = links.filter(isObject).map((l) => (typeof l.ifname === 'string' ? l.ifname : ''));
  assert.equal(names.length, 1, `one port on ${fx.bridge}: ${names.join(', ')}`);
  return names[0];
}
