import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, parseReference } from './reference';
import { InvalidArgumentError } from '../errors';

const D = 'sha256:' + 'a'.repeat(64);

test('references are normalised like Docker', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['me/app:v1', 'docker.io/me/app:v1'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['localhost/app', 'localhost/app:latest'],
    ['127.0.0.1:5000/corral-test/busybox', '127.0.0.1:5000/corral-test/busybox:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`gcr.io/a/b:tag@${D}`, `gcr.io/a/b@${D}`],
  ];
  for (const [input, want] of cases) assert.equal(formatReference(parseReference(input)), want, input);
});

test('malformed references are refused as invalid arguments', () => {
  for (const bad of ['', 'Busybox', 'busybox:', 'a/b@sha256:abc', 'a//b', 'busybox:bad tag', 'host:5000/UP/x', '-x']) {
    assert.throws(() => parseReference(bad), InvalidArgumentError, bad);
  }
});
