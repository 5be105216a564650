// Config loading, version choice, request derivation and result reading, without the kernel.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFirstConfig, parseConfigText, type JsonObject } from './cni_config';
import { selectVersion } from './cni_version';
import { pluginRequest, type Attachment } from './cni_chain';
import { capabilityArgs } from './capability_args';
import { podCniArgs } from './cni_args';
import { podIpsFromResult } from './cni_result';
import { parseQuantity } from './quantity';
import { CniConfigSource } from './config_source';

test('the first file in lexical order is the config; a .conf is wrapped into a list', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-cniconf-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  assert.equal(await loadFirstConfig(path.join(dir, 'missing')), undefined);
  await fs.writeFile(
    path.join(dir, '20-b.conflist'),
    JSON.stringify({ cniVersion: '1.0.0', name: 'b', plugins: [{ type: 'bridge' }] }),
  );
  await fs.writeFile(
    path.join(dir, '10-a.conf'),
    JSON.stringify({ cniVersion: '0.3.1', name: 'a', type: 'ptp', ipMasq: true }),
  );
  await fs.writeFile(path.join(dir, '00-ignored.txt'), 'not a config');
  const config = await loadFirstConfig(dir);
  assert.equal(config?.name, 'a');
  assert.equal(config?.cniVersion, '0.3.1');
  assert.deepEqual(config?.plugins, [{ cniVersion: '0.3.1', name: 'a', type: 'ptp', ipMasq: true }]);
});

test('invalid configs are refused with the file and the reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /not valid JSON/],
    ['{"cniVersion":"1.0.0","plugins":[{"type":"x"}]}', /"name"/],
    ['{"cniVersion":"one","name":"n","plugins":[{"type":"x"}]}', /"cniVersion"/],
    ['{"cniVersion":"1.0.0","name":"n","plugins":[]}', /"plugins" must be a non-empty list/],
    ['{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../x"}]}', /plugins\[0\]\.type/],
    ['{"cniVersion":"2.0.0","name":"n","plugins":[{"type":"x"}]}', /no supported CNI version/],
  ];
  for (const [text, why] of bad)
    assert.throws(
      () => parseConfigText(text, '/etc/cni/net.d/x.conflist'),
      (err: Error) => /x\.conflist/.test(err.message) && why.test(err.message),
      text,
    );
});

test('the highest supported version is chosen; a newer 1.x is spoken as 1.0.0', () => {
  assert.equal(selectVersion(['0.3.1', '0.4.0']), '0.4.0');
  assert.equal(selectVersion(['1.1.0']), '1.0.0');
  assert.equal(selectVersion(['0.3.1', '1.1.0']), '1.0.0');
  assert.equal(selectVersion(['2.0.0']), undefined);
  assert.equal(
    parseConfigText(
      '{"cniVersion":"0.3.1","cniVersions":["0.4.0","1.0.0"],"name":"n","plugins":[{"type":"x"}]}',
      'f.conflist',
    ).cniVersion,
    '1.0.0',
  );
});

test('a plugin request carries name, version, prevResult and only the capabilities it declares', () => {
  const network = parseConfigText(
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'net',
      plugins: [
        { type: 'bridge', bridge: 'b0' },
        { type: 'portmap', capabilities: { portMappings: true, bandwidth: true } },
      ],
    }),
    'n.conflist',
  );
  const args = capabilityArgs(
    {
      portMappings: [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' },
        { hostPort: 0, containerPort: 81, protocol: 'udp' },
      ],
      dns: { servers: ['10.0.0.10'], searches: [], options: [] },
    },
    '10.1.0.0/24, fd00::/64',
  );
  const attachment: Attachment = { network, containerId: 'c1', ifName: 'eth0', args: '', capabilityArgs: args };
  const prev = { cniVersion: '1.0.0', ips: [] };
  assert.deepEqual(pluginRequest(attachment, network.plugins[0], undefined), {
    type: 'bridge',
    bridge: 'b0',
    cniVersion: '1.0.0',
    name: 'net',
  });
  assert.deepEqual(pluginRequest(attachment, network.plugins[1], prev), {
    type: 'portmap',
    cniVersion: '1.0.0',
    name: 'net',
    runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
    prevResult: prev,
  });
  assert.deepEqual(args.ipRanges, [[{ subnet: '10.1.0.0/24' }], [{ subnet: 'fd00::/64' }]]);
  assert.deepEqual(args.dns, { servers: ['10.0.0.10'], searches: [], options: [] });
});

test('bandwidth annotations become the bandwidth capability', () => {
  const args = capabilityArgs(
    { annotations: { 'kubernetes.io/ingress-bandwidth': '10M', 'kubernetes.io/egress-bandwidth': '1Mi' } },
    '',
  );
  assert.deepEqual(args.bandwidth, {
    ingressRate: 10_000_000,
    ingressBurst: 2 ** 32 - 1,
    egressRate: 2 ** 20,
    egressBurst: 2 ** 32 - 1,
  });
  assert.equal(parseQuantity('1.5k', 'q'), 1500);
  assert.equal(parseQuantity('1e3', 'q'), 1000);
  assert.throws(() => parseQuantity('ten', 'q'), /not a quantity/);
});

test('CNI_ARGS name the pod, and refuse values that would break the format', () => {
  assert.equal(
    podCniArgs({ podId: 'abc', name: 'web', namespace: 'ns', uid: 'u-1' }),
    'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u-1',
  );
  assert.throws(() => podCniArgs({ podId: 'abc', name: 'a;b', namespace: 'ns', uid: 'u' }), /CNI_ARGS/);
});

test('pod IPs come from sandbox interfaces, IPv4 first, in every result version', () => {
  const v1: JsonObject = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'cni0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/run/netns/x' }],
    ips: [
      { address: 'fd00::5/64', interface: 2 },
      { address: '10.1.0.5/24', interface: 2 },
      { address: '10.1.0.1/24', interface: 0 },
    ],
  };
  assert.deepEqual(podIpsFromResult(v1, '1.0.0'), ['10.1.0.5', 'fd00::5']);
  assert.deepEqual(podIpsFromResult({ ips: [{ version: '4', address: '10.2.0.3/16' }] }, '0.3.1'), ['10.2.0.3']);
  assert.deepEqual(podIpsFromResult({ ip4: { ip: '10.3.0.3/16' }, ip6: { ip: 'fd01::3/64' } }, '0.2.0'), [
    '10.3.0.3',
    'fd01::3',
  ]);
  assert.deepEqual(podIpsFromResult(null, '1.0.0'), []);
});

test('a plugin result whose address is not a string yields no pod IP (never "[object Object]" or a number)', () => {
  const result = { ips: [{ address: { ip: '10.9.0.1' } }, { address: 7 }, { address: '10.4.0.4/24' }] };
  assert.deepEqual(podIpsFromResult(result, '1.0.0'), ['10.4.0.4']);
});

test(
  'the watched conf dir: a config written later is picked up by ADD without a Status call',
  { timeout: 60_000 },
  async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-cniwatch-'));
    const source = new CniConfigSource(dir, ['/usr/lib/cni']);
    t.after(async () => {
      source.close();
      await fs.rm(dir, { recursive: true, force: true });
    });
    source.watch();
    await assert.rejects(source.current(), /no CNI network config/);
    await fs.writeFile(
      path.join(dir, '10-w.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'w1', plugins: [{ type: 'loopback' }] }),
    );
    // The watch event arrives asynchronously; a missed one keeps the loop going until the hang guard fails the test.
    while ((await source.current().catch(() => undefined))?.name !== 'w1')
      await new Promise((resolve) => setTimeout(resolve, 10));
    await fs.writeFile(
      path.join(dir, '10-w.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'w2', plugins: [{ type: 'loopback' }] }),
    );
    while ((await source.current()).name !== 'w2') await new Promise((resolve) => setTimeout(resolve, 10));
  },
);

test('pods started at once all see the config: concurrent reads wait for the first load', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-cniconcurrent-'));
  const source = new CniConfigSource(dir, ['/usr/lib/cni']);
  t.after(async () => {
    source.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  await fs.writeFile(
    path.join(dir, '10-c.conflist'),
    JSON.stringify({ cniVersion: '1.0.0', name: 'c', plugins: [{ type: 'loopback' }] }),
  );
  source.watch();
  const configs = await Promise.all([source.current(), source.current(), source.current()]);
  assert.deepEqual(
    configs.map((c) => c.name),
    ['c', 'c', 'c'],
  );
});
