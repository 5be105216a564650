// The PodNetwork adapter: a pod's config becomes the CNI request (identity, ports, DNS, annotations).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CniSandboxNetwork, type NetworkedSandbox } from './sandbox_network';
import type { PodNetworkRequest } from './pod_network';

function sandbox(protocol: string): NetworkedSandbox {
  return {
    id: 'a'.repeat(64),
    config: {
      metadata: { name: 'web', namespace: 'shop', uid: 'uid-1' },
      dns: null,
      portMappings: [{ protocol, containerPort: 80, hostPort: 8080, hostIp: '127.0.0.1' }],
      annotations: { 'kubernetes.io/ingress-bandwidth': '1M' },
    },
  };
}

test('setUp hands CNI the pod identity, lowercased port protocols and annotations; tearDown goes by id', async () => {
  const calls: Array<PodNetworkRequest | string> = [];
  const network = new CniSandboxNetwork({
    attach: async (request) => {
      calls.push(request);
      return { ips: ['10.0.0.5'], recorded: Promise.resolve() };
    },
    tearDown: async (id, netns) => {
      calls.push(`${id} ${netns}`);
    },
  });
  assert.deepEqual((await network.setUp(sandbox('SCTP'), '/run/corral/x/ns/net')).ips, ['10.0.0.5']);
  await network.tearDown(sandbox('TCP').id, '/run/corral/x/ns/net');
  assert.deepEqual(calls, [
    {
      podId: 'a'.repeat(64),
      name: 'web',
      namespace: 'shop',
      uid: 'uid-1',
      netnsPath: '/run/corral/x/ns/net',
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'sctp', hostIP: '127.0.0.1' }],
      dns: undefined,
      annotations: { 'kubernetes.io/ingress-bandwidth': '1M' },
    },
    `${'a'.repeat(64)} /run/corral/x/ns/net`,
  ]);
  await assert.rejects(network.setUp(sandbox('ICMP'), '/x'), /ICMP/);
});
