// The cached RuntimeDefault filter is the one a fresh compile gives, per capability set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSeccompProfile } from './compile';
import { runtimeDefaultProfile } from './default_profile';
import { runtimeDefaultFilter } from './runtime_default_cache';

const fresh = (caps: string[]) => compileSeccompProfile(runtimeDefaultProfile(caps), 'RuntimeDefault').filter;

test('one compile per capability set, whatever the order', () => {
  const first = runtimeDefaultFilter(['CAP_KILL', 'CAP_CHOWN']);
  assert.equal(runtimeDefaultFilter(['CAP_CHOWN', 'CAP_KILL', 'CAP_CHOWN']), first);
  assert.deepEqual(first.filter, fresh(['CAP_CHOWN', 'CAP_KILL']));
});

test('a capability that widens the profile gets its own filter', () => {
  const plain = runtimeDefaultFilter(['CAP_CHOWN']);
  const admin = runtimeDefaultFilter(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.notDeepEqual(admin.filter, plain.filter);
  assert.deepEqual(admin.filter, fresh(['CAP_CHOWN', 'CAP_SYS_ADMIN']));
});
