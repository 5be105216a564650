import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { resolveUserNamespace } from './user_namespace';

const map = (containerId: number, hostId: number, length: number) => ({ containerId, hostId, length });

describe('resolveUserNamespace', () => {
  it('NODE mode or no options means the host user namespace', () => {
    assert.equal(resolveUserNamespace(undefined), undefined);
    assert.equal(resolveUserNamespace(null), undefined);
    assert.equal(resolveUserNamespace({ mode: 'NODE' }), undefined);
    assert.throws(() => resolveUserNamespace({ mode: 'NODE', uids: [map(0, 1000, 1)] }), InvalidArgumentError);
  });

  it('POD mode gives the mappings', () => {
    assert.deepEqual(
      resolveUserNamespace({ mode: 'POD', uids: [map(0, 65536, 65536)], gids: [map(0, 65536, 65536)] }),
      {
        uidMappings: [{ containerId: 0, hostId: 65536, size: 65536 }],
        gidMappings: [{ containerId: 0, hostId: 65536, size: 65536 }],
      },
    );
    const several = resolveUserNamespace({
      mode: 'POD',
      uids: [map(1000, 2000, 10), map(0, 100000, 1000)],
      gids: [map(0, 5, 1)],
    });
    assert.equal(several?.uidMappings.length, 2);
  });

  it('refuses what the kernel would', () => {
    const cases: Array<[string, object, RegExp]> = [
      ['no uids', { mode: 'POD', uids: [], gids: [map(0, 1, 1)] }, /uids: POD mode needs/],
      ['empty range', { mode: 'POD', uids: [map(0, 1, 0)], gids: [map(0, 1, 1)] }, /uids\[0\]\.length/],
      [
        'container overlap',
        { mode: 'POD', uids: [map(0, 1000, 10), map(5, 5000, 10)], gids: [map(0, 1, 1)] },
        /container id ranges overlap/,
      ],
      [
        'host overlap',
        { mode: 'POD', uids: [map(0, 1000, 10), map(100, 1005, 10)], gids: [map(0, 1, 1)] },
        /host id ranges overlap/,
      ],
      ['past 2^32', { mode: 'POD', uids: [map(0, 4294967295, 2)], gids: [map(0, 1, 1)] }, /past 2\^32/],
      ['id too big', { mode: 'POD', uids: [map(0, 4294967296, 1)], gids: [map(0, 1, 1)] }, /hostId/],
      ['root unmapped', { mode: 'POD', uids: [map(1, 1000, 10)], gids: [map(0, 1, 1)] }, /container id 0/],
      ['gid root unmapped', { mode: 'POD', uids: [map(0, 1000, 10)], gids: [map(1, 1, 1)] }, /gids: container id 0/],
      [
        'too many',
        { mode: 'POD', uids: Array.from({ length: 341 }, (_, i) => map(i, 1000 + i, 1)), gids: [map(0, 1, 1)] },
        /at most 340/,
      ],
      ['CONTAINER mode', { mode: 'CONTAINER' }, /unsupported user namespace mode/],
      ['TARGET mode', { mode: 'TARGET' }, /unsupported/],
    ];
    for (const [name, request, message] of cases) {
      assert.throws(
        () => resolveUserNamespace(request),
        (err: Error) => err instanceof InvalidArgumentError && message.test(err.message),
        name,
      );
    }
  });

  it('takes 340 lines, adjacent ranges and the top of the id space', () => {
    const uids = Array.from({ length: 340 }, (_, i) => map(i, 1000 + i, 1));
    assert.equal(resolveUserNamespace({ mode: 'POD', uids, gids: [map(0, 4294967295, 1)] })?.uidMappings.length, 340);
  });
});
