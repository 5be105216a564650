import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { resolveProcessUser } from './process_user';
import { parseGroup, parsePasswd } from './etc_files';

const etcPasswd = [
  'root:x:0:0:root:/root:/bin/sh',
  '# a comment',
  'daemon:x:1:1::/:/bin/false',
  'default-user:x:1000:1000::/home/default-user:/bin/sh',
  'broken-line',
  'nobody:x:65534:65534::/nonexistent:/bin/false',
].join('\n');
const etcGroup = [
  'root:x:0:',
  'wheel:x:10:root,default-user',
  'default-user:x:1000:default-user',
  'group-defined-in-image:x:50000:default-user',
  'bad:x:notanumber:default-user',
].join('\n');
const files = { etcPasswd, etcGroup };

describe('etc file parsers', () => {
  it('skip malformed lines and comments', () => {
    assert.deepEqual(
      parsePasswd(etcPasswd).map((p) => p.name),
      ['root', 'daemon', 'default-user', 'nobody'],
    );
    assert.deepEqual(parseGroup(etcGroup).find((g) => g.name === 'wheel')?.members, ['root', 'default-user']);
    assert.equal(parseGroup(etcGroup).length, 4);
    assert.deepEqual(parsePasswd(undefined), []);
  });
});

describe('resolveProcessUser', () => {
  it('defaults to root with the groups the image gives root', () => {
    assert.deepEqual(resolveProcessUser({ ...files }), {
      uid: 0,
      gid: 0,
      username: 'root',
      home: '/root',
      additionalGids: [0, 10],
    });
  });

  it('run_as_user takes the primary group from /etc/passwd, or 0 without an entry', () => {
    assert.deepEqual(resolveProcessUser({ ...files, runAsUser: 1000 }), {
      uid: 1000,
      gid: 1000,
      username: 'default-user',
      home: '/home/default-user',
      additionalGids: [10, 1000, 50000],
    });
    assert.deepEqual(resolveProcessUser({ ...files, runAsUser: 4242 }), {
      uid: 4242,
      gid: 0,
      home: '/',
      additionalGids: [0],
    });
  });

  it("merges requested supplemental groups with the image's (critest: 1000 1234 50000)", () => {
    const user = resolveProcessUser({
      ...files,
      runAsUser: 1000,
      supplementalGroups: [1234],
      supplementalGroupsPolicy: 'Merge',
    });
    assert.deepEqual(user.additionalGids, [10, 1000, 1234, 50000]);
  });

  it('Strict uses only the requested groups and the primary gid', () => {
    const user = resolveProcessUser({
      ...files,
      runAsUser: 1000,
      supplementalGroups: [1234, 5678],
      supplementalGroupsPolicy: 'Strict',
    });
    assert.deepEqual(user.additionalGids, [1000, 1234, 5678]);
  });

  it('run_as_group overrides the primary group, but not alone', () => {
    assert.equal(resolveProcessUser({ ...files, runAsUser: 1000, runAsGroup: 3000 }).gid, 3000);
    assert.equal(resolveProcessUser({ ...files, runAsUsername: 'daemon', runAsGroup: 3000 }).gid, 3000);
    assert.throws(
      () => resolveProcessUser({ ...files, runAsGroup: 3000 }),
      (err: Error) => err instanceof InvalidArgumentError && /run_as_group/.test(err.message),
    );
  });

  it("run_as_username resolves in the container's /etc/passwd", () => {
    assert.deepEqual(resolveProcessUser({ ...files, runAsUsername: 'nobody' }), {
      uid: 65534,
      gid: 65534,
      username: 'nobody',
      home: '/nonexistent',
      additionalGids: [65534],
    });
    assert.throws(
      () => resolveProcessUser({ ...files, runAsUsername: 'ghost' }),
      /run_as_username: user "ghost" not found/,
    );
  });

  it('honours every form of the image USER', () => {
    assert.equal(resolveProcessUser({ ...files, imageUser: 'default-user' }).uid, 1000);
    assert.deepEqual(resolveProcessUser({ ...files, imageUser: '1000:50000' }).gid, 50000);
    assert.deepEqual(resolveProcessUser({ ...files, imageUser: 'daemon:wheel' }).gid, 10);
    assert.deepEqual(resolveProcessUser({ ...files, imageUser: '777' }), {
      uid: 777,
      gid: 0,
      home: '/',
      additionalGids: [0],
    });
    assert.throws(() => resolveProcessUser({ ...files, imageUser: 'ghost' }), /image user: user "ghost" not found/);
    assert.throws(() => resolveProcessUser({ imageUser: 'www-data' }), /not found/, 'a named user without /etc/passwd');
    assert.throws(() => resolveProcessUser({ ...files, imageUser: 'daemon:nogroup' }), /image group "nogroup"/);
    assert.throws(() => resolveProcessUser({ ...files, imageUser: 'a:b:c' }), /malformed/);
  });

  it('the CRI user wins over the image USER', () => {
    assert.equal(resolveProcessUser({ ...files, imageUser: 'default-user', runAsUser: 0 }).uid, 0);
  });

  it('refuses ids out of range', () => {
    assert.throws(() => resolveProcessUser({ runAsUser: -1 }), /run_as_user/);
    assert.throws(() => resolveProcessUser({ runAsUser: 2 ** 32 }), /run_as_user/);
    assert.throws(() => resolveProcessUser({ runAsUser: 0, supplementalGroups: [-5] }), /supplemental_groups\[0\]/);
  });
});
