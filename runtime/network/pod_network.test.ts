// CniPodNetwork against real plugins and real network namespaces: pods on a test bridge reach each
// other, DEL (also after a restart) removes addresses, rules and reservations.
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CniPodNetwork, type CniSettings } from './pod_network';
import { NetworkFixture, PLUGIN_DIRS } from './testing/fixture';

function settings(fx: NetworkFixture): CniSettings {
  return { enabled: true, confDir: fx.confDir, binDirs: PLUGIN_DIRS, cacheDir: fx.cacheDir };
}

/** A fixture with a bridge conflist and a started CniPodNetwork, both cleaned up after the test. */
async function bridgeWorld(t: TestContext, overrides: Partial<CniSettings> = {}) {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  await fx.writeConflist([fx.bridgePlugin()]);
  const network = new CniPodNetwork({ ...settings(fx), ...overrides });
  await network.start();
  t.after(() => network.close());
  return { fx, network };
}

function pod(fx: NetworkFixture, n: number, netnsPath: string) {
  return { podId: `${fx.tag}pod${n}`, name: `pod${n}`, namespace: 'default', uid: `uid-${fx.tag}-${n}`, netnsPath };
}

test('two pods on a test bridge get addresses and reach each other; DEL removes everything', async (t) => {
  const { fx, network } = await bridgeWorld(t);
  assert.deepEqual(await network.readiness(), { ready: true, reason: '', message: '' });

  const nsA = await fx.addNetns();
  const nsB = await fx.addNetns();
  const [ipA] = await network.setUp(pod(fx, 1, nsA));
  const [ipB] = await network.setUp(pod(fx, 2, nsB));
  assert.match(ipA, new RegExp(`^10\\.250\\.${fx.octet}\\.\\d+$`));
  assert.notEqual(ipA, ipB);
  assert.deepEqual(await fx.addressesIn(nsA), [ipA]);
  assert.deepEqual(await network.podIps(pod(fx, 1, nsA).podId), [ipA]);

  const lo = await fx.inNetns(nsA, ['ip', '-j', 'link', 'show', 'lo']);
  assert.match(lo, /"operstate":"UNKNOWN"|"LOWER_UP"/, 'loopback is up');
  await fx.tcpServer(nsB, 8080, 'hello from B');
  const reply = await fx.inNetns(nsA, [process.execPath, '-e', connectScript(ipB, 8080)]);
  assert.equal(reply, 'hello from B');
  await network.check(pod(fx, 1, nsA).podId);

  await network.tearDown(pod(fx, 1, nsA).podId);
  await network.tearDown(pod(fx, 2, nsB).podId);
  await network.tearDown(pod(fx, 2, nsB).podId); // idempotent
  assert.deepEqual(await fx.addressesIn(nsA), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await network.attachedPods(), []);
});

test('DEL after a restart uses the cached inputs though the config changed', async (t) => {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  await fx.writeConflist([fx.bridgePlugin()]);
  const first = new CniPodNetwork(settings(fx));
  await first.start();
  const ns = await fx.addNetns();
  const request = pod(fx, 1, ns);
  const ips = await first.setUp(request);
  first.close();
  assert.equal((await fx.reservations()).length, 1);
  assert.notDeepEqual(await fx.natRulesOfThisTest(), [], 'ipMasq added rules');

  await fx.writeConflist([{ type: 'does-not-exist' }]);
  const restarted = new CniPodNetwork(settings(fx));
  await restarted.start();
  t.after(() => restarted.close());
  assert.deepEqual(await restarted.podIps(request.podId), ips);
  await restarted.tearDown(request.podId);
  assert.deepEqual(await fx.addressesIn(ns), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await restarted.podIps(request.podId), []);
});

test('releaseOrphans DELs attachments of pods that no longer exist, and keeps the others', async (t) => {
  const { fx, network } = await bridgeWorld(t);
  const kept = pod(fx, 1, await fx.addNetns());
  const orphan = pod(fx, 2, await fx.addNetns());
  await network.setUp(kept);
  await network.setUp(orphan);
  assert.deepEqual(await network.releaseOrphans((id) => id === kept.podId), [orphan.podId]);
  assert.deepEqual(await network.attachedPods(), [kept.podId]);
  assert.deepEqual(await fx.addressesIn(orphan.netnsPath), []);
  assert.equal((await fx.reservations()).length, 1);
  await network.tearDown(kept.podId);
});

test('an unreadable attachment record: DEL falls back to the config in use and still cleans up', async (t) => {
  const { fx, network } = await bridgeWorld(t);
  const request = pod(fx, 1, await fx.addNetns());
  await network.setUp(request);
  await fs.writeFile(path.join(fx.cacheDir, `${request.podId}.json`), '{"kind": "corral-cni-v1", "podId"');
  assert.deepEqual(await network.podIps(request.podId), []);
  await network.tearDown(request.podId, request.netnsPath);
  assert.deepEqual(await fx.addressesIn(request.netnsPath), []);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await fx.natRulesOfThisTest(), []);
  assert.deepEqual(await network.attachedPods(), []);
});

test('DEL with the netns already gone succeeds and releases the address', async (t) => {
  const { fx, network } = await bridgeWorld(t);
  const ns = await fx.addNetns();
  const request = pod(fx, 1, ns);
  await network.setUp(request);
  await fx.deleteNetns(ns);
  await network.tearDown(request.podId);
  await network.tearDown(request.podId);
  assert.deepEqual(await fx.reservations(), []);
  assert.deepEqual(await network.attachedPods(), []);
});

test('CNI disabled: the pod gets its loopback and no address', async (t) => {
  const { fx, network } = await bridgeWorld(t, { enabled: false });
  assert.equal((await network.readiness()).ready, true);
  const ns = await fx.addNetns();
  assert.deepEqual(await network.setUp(pod(fx, 1, ns)), []);
  const out = await fx.inNetns(ns, ['ip', '-j', 'addr', 'show', 'lo']);
  assert.match(out, /"local":"127\.0\.0\.1"/);
  assert.match(out, /"UP"/);
  await network.tearDown(pod(fx, 1, ns).podId);
});

/** A node one-liner that connects, prints what the server sent, and exits. */
export function connectScript(host: string, port: number): string {
  return (
    `const s=require('net').connect(${port},${JSON.stringify(host)});let d='';s.on('data',(c)=>d+=c);` +
    `s.on('end',()=>{process.stdout.write(d)});s.on('error',(e)=>{console.error(e.message);process.exit(1)});`
  );
}

test('dual stack: the pod gets an IPv4 and an IPv6 address, IPv4 reported first', async (t) => {
  const { fx, network } = await bridgeWorld(t);
  const v6Subnet = `fd55:c0a1:${fx.octet.toString(16)}::/64`;
  const ipam = { type: 'host-local', dataDir: fx.ipamDir, ranges: [[{ subnet: v6Subnet }], [{ subnet: fx.subnet }]] };
  await fx.writeConflist([fx.bridgePlugin(ipam)]);
  const ns = await fx.addNetns();
  const ips = await network.setUp(pod(fx, 1, ns));
  assert.equal(ips.length, 2);
  assert.match(ips[0], new RegExp(`^10\\.250\\.${fx.octet}\\.`));
  assert.ok(ips[1].startsWith(v6Subnet.split('::')[0]), ips[1]);
  assert.deepEqual((await fx.addressesIn(ns)).sort(), [...ips].sort());
  await network.tearDown(pod(fx, 1, ns).podId);
  assert.deepEqual(await fx.addressesIn(ns), []);
  assert.deepEqual(await fx.reservations(), []);
});

test('the node pod CIDR reaches IPAM through the ipRanges capability', async (t) => {
  const fx = await NetworkFixture.create();
  t.after(() => fx.cleanup());
  const podCidr = `10.250.${fx.octet}.128/25`;
  // host-local puts runtime ranges before its own: a config taking the pod CIDR lists none itself.
  const ipam = { type: 'host-local', dataDir: fx.ipamDir };
  await fx.writeConflist([{ ...fx.bridgePlugin(ipam), capabilities: { ipRanges: true } }]);
  const network = new CniPodNetwork({ ...settings(fx), podCidr: () => podCidr });
  await network.start();
  t.after(() => network.close());
  const ns = await fx.addNetns();
  const [ip] = await network.setUp(pod(fx, 1, ns));
  assert.ok(Number(ip.split('.')[3]) > 128, `${ip} is in ${podCidr}`);
  await network.tearDown(pod(fx, 1, ns).podId);
  assert.deepEqual(await fx.reservations(), []);
});
