import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './auth';

test('bearer challenges are parsed with quoted params', () => {
  const got = parseChallenges(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
  );
  assert.deepEqual(got, [
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/busybox:pull',
      },
    },
  ]);
});

test('basic challenges and several challenges in one header are parsed', () => {
  assert.deepEqual(parseChallenges('Basic realm="corral-test"'), [
    { scheme: 'basic', params: { realm: 'corral-test' } },
  ]);
  const two = parseChallenges('Basic realm="a", Bearer realm="https://t/x",scope="a,b",error="insufficient_scope"');
  assert.equal(two.length, 2);
  assert.equal(two[1].scheme, 'bearer');
  assert.equal(two[1].params.scope, 'a,b');
  assert.equal(two[1].params.error, 'insufficient_scope');
});

test('unquoted and escaped values are parsed', () => {
  const got = parseChallenges('Bearer realm=https://t/token, service=reg, note="say \\"hi\\""');
  assert.deepEqual(got[0].params, { realm: 'https://t/token', service: 'reg', note: 'say "hi"' });
});
