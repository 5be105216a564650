import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMirrorFlag, checkMirrorsTable, endpointsFor, plainHttpAllowed } from './hosts';
import { InvalidArgumentError } from '../../errors';

const none = { mirrors: {}, insecure: [] };

test('upstream endpoints: Docker Hub API host, https by default, http for loopback and insecure', () => {
  assert.deepEqual(endpointsFor('docker.io', none), [{ base: 'https://registry-1.docker.io', mirror: false }]);
  assert.deepEqual(endpointsFor('gcr.io', none), [{ base: 'https://gcr.io', mirror: false }]);
  assert.equal(endpointsFor('127.0.0.1:5000', none)[0].base, 'http://127.0.0.1:5000');
  assert.equal(endpointsFor('localhost:5000', none)[0].base, 'http://localhost:5000');
  assert.equal(
    endpointsFor('reg.lan:5000', { mirrors: {}, insecure: ['reg.lan:5000'] })[0].base,
    'http://reg.lan:5000',
  );
  assert.equal(plainHttpAllowed('[::1]:5000', none), true);
  assert.equal(plainHttpAllowed('example.com', none), false);
});

test('loopback means a literal 127.0.0.0/8 or ::1 address, or localhost: look-alike names get TLS', () => {
  for (const host of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', '[::1]:5000', '[0:0:0:0:0:0:0:1]:5000']) {
    assert.equal(plainHttpAllowed(host, none), true, host);
  }
  for (const host of [
    '127.attacker.example',
    '127.0.0.1.nip.io:5000',
    'localhost.example',
    '[::2]:5000',
    '1270.0.0.1',
  ]) {
    assert.equal(plainHttpAllowed(host, none), false, host);
    assert.match(endpointsFor(host, none)[0].base, /^https:/, host);
  }
  assert.equal(plainHttpAllowed('127.attacker.example', { mirrors: {}, insecure: ['127.attacker.example'] }), true);
});

test('mirrors come first, in order; "*" covers hosts without their own entry', () => {
  const config = {
    mirrors: {
      'registry.k8s.io': { endpoints: ['http://127.0.0.1:5000/', 'mirror.lan/v2'] },
      '*': { endpoints: ['http://all:1'] },
    },
    insecure: [],
  };
  assert.deepEqual(
    endpointsFor('registry.k8s.io', config).map((e) => [e.base, e.mirror]),
    [
      ['http://127.0.0.1:5000', true],
      ['https://mirror.lan', true],
      ['https://registry.k8s.io', false],
    ],
  );
  assert.equal(endpointsFor('quay.io', config)[0].base, 'http://all:1');
});

test('--registry-mirror HOST=URL goes before configured mirrors; malformed values are refused', () => {
  const config = addMirrorFlag(
    { mirrors: { 'docker.io': { endpoints: ['https://b'] } }, insecure: [] },
    'docker.io=http://a:5000',
  );
  assert.deepEqual(config.mirrors['docker.io'].endpoints, ['http://a:5000', 'https://b']);
  for (const bad of ['docker.io', '=http://x', 'docker.io='])
    assert.throws(() => addMirrorFlag(none, bad), InvalidArgumentError);
});

test('the mirrors table is validated', () => {
  assert.deepEqual(checkMirrorsTable({ 'gcr.io': { endpoints: ['http://x'] } }, 'registry.mirrors'), {
    'gcr.io': { endpoints: ['http://x'] },
  });
  assert.throws(
    () => checkMirrorsTable({ 'gcr.io': { endpoints: 'http://x' } }, 'registry.mirrors'),
    /endpoints must be a list/,
  );
  assert.throws(() => checkMirrorsTable([], 'registry.mirrors'), /must be a table/);
  assert.deepEqual(checkMirrorsTable({ 'docker.io': { endpoint: ['http://y'] } }, 'm'), {
    'docker.io': { endpoints: ['http://y'] },
  });
  assert.throws(() => checkMirrorsTable({ 'docker.io': { endpionts: ['http://y'] } }, 'm'), /unknown key endpionts/);
});
