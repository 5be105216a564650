import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { decideAppArmor, decideSelinux } from './lsm';

describe('decideAppArmor on a host without AppArmor', () => {
  it('no profile, RuntimeDefault and unconfined are accepted and change nothing', () => {
    for (const request of [{}, { apparmor: { profile_type: 'RuntimeDefault' } }, { apparmor: { profile_type: 'Unconfined' } },
      { apparmor_profile: 'runtime/default' }, { apparmor_profile: 'unconfined' }, { apparmor: null, apparmor_profile: '' }]) {
      assert.equal(decideAppArmor(request).confined, false, JSON.stringify(request));
    }
  });

  it('a named profile is an error, as containerd makes it', () => {
    assert.throws(() => decideAppArmor({ apparmor: { profile_type: 'Localhost', localhost_ref: 'my-profile' } }),
      (err: Error) => err instanceof InvalidArgumentError && /my-profile.*not enabled/.test(err.message));
    assert.throws(() => decideAppArmor({ apparmor_profile: 'localhost/k8s-nginx' }), /k8s-nginx/);
  });

  it('the structured field wins over the legacy string', () => {
    assert.equal(decideAppArmor({ apparmor: { profile_type: 'Unconfined' }, apparmor_profile: 'localhost/x' }).confined, false);
  });

  it('refuses malformed requests', () => {
    assert.throws(() => decideAppArmor({ apparmor_profile: 'bogus' }), /apparmor_profile: invalid profile/);
    assert.throws(() => decideAppArmor({ apparmor: { profile_type: 'RuntimeDefault', localhost_ref: 'x' } }), /only allowed/);
    assert.throws(() => decideAppArmor({ apparmor: { profile_type: 'Weird' } }), /profile_type/);
  });

  it('SELinux options are ignored', () => {
    assert.equal(decideSelinux().confined, false);
  });
});
