import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { resolveCapabilities, DEFAULT_CAPABILITIES } from './capabilities';
import {
  CAPABILITY_NAMES,
  canonicalCapabilityName,
  capabilityMask,
  runtimeCapabilities,
  sortCapabilities,
} from './capability_names';

const EVERY = CAPABILITY_NAMES;
const sorted = (names: readonly string[]) => sortCapabilities(names);

describe('capability names', () => {
  it('knows all 41 capabilities in kernel order', () => {
    assert.equal(CAPABILITY_NAMES.length, 41);
    assert.equal(CAPABILITY_NAMES[21], 'CAP_SYS_ADMIN');
    assert.equal(CAPABILITY_NAMES[40], 'CAP_CHECKPOINT_RESTORE');
  });

  it('accepts the forms CRI clients send', () => {
    for (const raw of ['NET_ADMIN', 'net_admin', 'CAP_NET_ADMIN', 'cap_net_admin', ' Net_Admin ']) {
      assert.equal(canonicalCapabilityName(raw), 'CAP_NET_ADMIN', raw);
    }
    assert.equal(canonicalCapabilityName('NET_WIZARD'), undefined);
    assert.equal(canonicalCapabilityName('CAP_'), undefined);
  });

  it('prints masks as /proc/self/status does', () => {
    assert.equal(capabilityMask([]), '0000000000000000');
    assert.equal(capabilityMask(CAPABILITY_NAMES), '000001ffffffffff');
    assert.equal(capabilityMask(DEFAULT_CAPABILITIES), '00000000a80425fb');
  });

  it('reads what corrald itself holds (this host withholds CAP_SYS_RESOURCE even from root)', () => {
    const held = runtimeCapabilities();
    assert.ok(held.includes('CAP_SYS_ADMIN') && held.length >= 38);
    assert.deepEqual(held, sortCapabilities(held));
  });
});

describe('resolveCapabilities', () => {
  it("gives containerd's default set when the request has no capabilities", () => {
    const caps = resolveCapabilities({ privileged: false, capabilities: null, available: EVERY });
    assert.deepEqual(caps.bounding, sorted(DEFAULT_CAPABILITIES));
    assert.deepEqual(caps.effective, caps.bounding);
    assert.deepEqual(caps.permitted, caps.bounding);
    assert.deepEqual(caps.inheritable, []);
    assert.deepEqual(caps.ambient, []);
  });

  it('adds and drops individual capabilities, drop winning', () => {
    const caps = resolveCapabilities({
      privileged: false,
      available: EVERY,
      capabilities: {
        add: ['NET_ADMIN', 'SYS_TIME'],
        drop: ['NET_RAW', 'SYS_TIME'],
      },
    });
    assert.ok(caps.bounding.includes('CAP_NET_ADMIN'));
    assert.ok(!caps.bounding.includes('CAP_NET_RAW'));
    assert.ok(!caps.bounding.includes('CAP_SYS_TIME'));
    assert.equal(caps.bounding.length, DEFAULT_CAPABILITIES.length);
  });

  it('drop ALL then add X gives only X; add ALL then drop X gives all but X', () => {
    const onlyChown = resolveCapabilities({
      privileged: false,
      available: EVERY,
      capabilities: {
        add: ['chown'],
        drop: ['all'],
      },
    });
    assert.deepEqual(onlyChown.bounding, ['CAP_CHOWN']);
    const allButChown = resolveCapabilities({
      privileged: false,
      available: EVERY,
      capabilities: {
        add: ['ALL'],
        drop: ['CHOWN'],
      },
    });
    assert.equal(allButChown.bounding.length, 40);
    assert.ok(!allButChown.bounding.includes('CAP_CHOWN'));
    const none = resolveCapabilities({ privileged: false, available: EVERY, capabilities: { drop: ['ALL'] } });
    assert.deepEqual(none.bounding, []);
    const both = resolveCapabilities({
      privileged: false,
      available: EVERY,
      capabilities: {
        add: ['ALL'],
        drop: ['ALL'],
      },
    });
    assert.deepEqual(both.bounding, [], 'drop ALL applies after add ALL, as in containerd');
  });

  it('ALL and privileged mean what corrald holds; granting more is refused, dropping it is fine', () => {
    const held = EVERY.filter((name) => name !== 'CAP_SYS_RESOURCE');
    const all = resolveCapabilities({ privileged: false, available: held, capabilities: { add: ['ALL'] } });
    assert.equal(all.bounding.length, 40);
    assert.ok(!all.bounding.includes('CAP_SYS_RESOURCE'));
    const privileged = resolveCapabilities({ privileged: true, available: EVERY, capabilities: { drop: ['ALL'] } });
    assert.equal(privileged.bounding.length, 41, 'privileged ignores drops');
    assert.throws(
      () => resolveCapabilities({ privileged: false, available: held, capabilities: { add: ['SYS_RESOURCE'] } }),
      /add_capabilities: CAP_SYS_RESOURCE is not available/,
    );
    assert.equal(
      resolveCapabilities({ privileged: false, available: held, capabilities: { drop: ['SYS_RESOURCE'] } }).bounding
        .length,
      14,
    );
  });

  it('ambient capabilities land in every set', () => {
    const caps = resolveCapabilities({
      privileged: false,
      available: EVERY,
      capabilities: {
        drop: ['ALL'],
        addAmbient: ['NET_BIND_SERVICE'],
      },
    });
    for (const set of [caps.bounding, caps.effective, caps.permitted, caps.inheritable, caps.ambient]) {
      assert.deepEqual(set, ['CAP_NET_BIND_SERVICE']);
    }
  });

  it('unknown names are INVALID_ARGUMENT naming the list and index', () => {
    assert.throws(
      () => resolveCapabilities({ privileged: false, capabilities: { add: ['CHOWN', 'FLY'] } }),
      (err: Error) => err instanceof InvalidArgumentError && /add_capabilities\[1\].*"FLY"/.test(err.message),
    );
    assert.throws(
      () => resolveCapabilities({ privileged: false, capabilities: { drop: ['X'] } }),
      /drop_capabilities\[0\]/,
    );
    assert.throws(
      () => resolveCapabilities({ privileged: false, capabilities: { addAmbient: ['ALL'] } }),
      /add_ambient_capabilities\[0\]/,
    );
  });
});
