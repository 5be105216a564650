// The shared checks accept every name shape kubelet and critest send and refuse what could
// leave a path, a record or a resolv.conf line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../runtime/errors';
import { checkCleanAbsolutePath, checkHostname, checkObjectName, checkRange } from './text';

const refuses = (fn: () => void) => assert.throws(fn, InvalidArgumentError);

test('object names: kubelet and critest shapes pass; /, .., control characters and overlong ones do not', () => {
  for (const name of [
    'web-7d9f8b6c5d-x2x9z',
    'kube-proxy-node1.example.com',
    'PodSandbox-with-log-directory-8c1e2f',
    'cri-test-namespace0c8f0a4e-6f0e',
    'Container-for-create-test_4a5b',
    '0c8f0a4e-6f0e-4a8e-9d7b-3f3c2a1b0e9d',
  ])
    checkObjectName('name', name, true);
  checkObjectName('uid', '', false);
  for (const name of ['a/b', '..', 'a..b', '.hidden', 'a\nb', 'a b', 'a\u0000', 'x'.repeat(254), ''])
    refuses(() => checkObjectName('name', name, true));
});

test('hostnames: RFC 1123 labels within 64 characters', () => {
  for (const name of ['', 'test-hostname', 'Node-1.example.com', 'h'.repeat(64)]) checkHostname('hostname', name);
  for (const name of ['a/b', 'a\u0000b', 'h'.repeat(65), '-a', 'a.', 'a..b', 'a b'])
    refuses(() => checkHostname('hostname', name));
});

test('paths and ranges', () => {
  checkCleanAbsolutePath('p', '/var/log/pods/ns_name_uid');
  for (const p of ['relative', '/a/../b', '/a/./b', `/${'n'.repeat(256)}`, `/${'a/'.repeat(2048)}`])
    refuses(() => checkCleanAbsolutePath('p', p));
  checkRange('port', 65535, 0, 65535);
  checkRange('id', '4294967294', 0, 2 ** 32 - 2);
  for (const v of [-1, 65536, '1e3', '0x10', '9'.repeat(30)]) refuses(() => checkRange('port', v, 0, 65535));
});
