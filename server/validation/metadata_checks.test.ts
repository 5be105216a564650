// Labels and annotations: every shape kubelet and critest send passes; what no Kubernetes object
// could hold (control characters or over-long keys, label values past any name, maps past
// Kubernetes' size cap) is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../runtime/errors';
import { MAX_METADATA_BYTES, checkAnnotations, checkLabels } from './metadata_checks';

const refuses = (fn: () => void) => assert.throws(fn, InvalidArgumentError);

test('kubelet and critest labels and annotations pass', () => {
  checkLabels('labels', {
    'io.kubernetes.pod.name': 'web-7d9f8b6c5d-x2x9z',
    'io.kubernetes.pod.namespace': 'kube-system',
    'io.kubernetes.pod.uid': '0c8f0a4e-6f0e-4a8e-9d7b-3f3c2a1b0e9d',
    'io.kubernetes.container.name': 'nginx',
    'app.kubernetes.io/name': 'web',
    'pod-template-hash': '7d9f8b6c5d',
    [`${'a'.repeat(253)}/${'b'.repeat(63)}`]: 'c'.repeat(253),
    key: '',
  });
  checkAnnotations('annotations', {
    'io.kubernetes.container.hash': '8d5f0a1b',
    'io.kubernetes.container.ports': '[{"name":"http","containerPort":80,"protocol":"TCP"}]',
    'io.kubernetes.container.preStopHandler': '{"exec":{"command":["sh","-c","sleep 5"]}}',
    'kubectl.kubernetes.io/last-applied-configuration': `{\n  "apiVersion": "v1",\n  "kind": "Pod"\n}\n${'x'.repeat(200_000)}`,
    'kubernetes.io/config.seen': '2026-12-07T17:00:00.000000000Z',
  });
  checkLabels('labels', null);
  checkAnnotations('annotations', undefined);
});

test('over-long or control-character keys, odd label values and oversized maps are refused', () => {
  refuses(() => checkLabels('labels', { ['k'.repeat(318)]: 'v' }));
  refuses(() => checkAnnotations('annotations', { ['k'.repeat(100_000)]: 'v' }));
  refuses(() => checkLabels('labels', { 'a\nb': 'v' }));
  refuses(() => checkAnnotations('annotations', { 'a\u001bb': 'v' }));
  refuses(() => checkLabels('labels', { '': 'v' }));
  refuses(() => checkLabels('labels', { key: 'v\nw' }));
  refuses(() => checkLabels('labels', { key: 'v'.repeat(1025) }));
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(16 * 1024)]));
  assert.ok(40 * 16 * 1024 > MAX_METADATA_BYTES);
  refuses(() => checkAnnotations('annotations', many));
});
