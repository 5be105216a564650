import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { decideAppArmor, decideSelinux } from './lsm';

describe('decideAppArmor on a host without AppArmor', () => {
  it('no profile, RuntimeDefault and unconfined are accepted and change nothing', () => {
    for (const request of [
      {},
      { apparmor: { profileType: 'RuntimeDefault' } },
      { apparmor: { profileType: 'Unconfined' } },
      { apparmorProfile: 'runtime/default' },
      { apparmorProfile: 'unconfined' },
      { apparmor: null, apparmorProfile: '' },
    ]) {
      assert.equal(decideAppArmor(request).confined, false, JSON.stringify(request));
    }
  });

  it('a named profile is an error, as containerd makes it', () => {
    assert.throws(
      () => decideAppArmor({ apparmor: { profileType: 'Localhost', localhostRef: 'my-profile' } }),
      (err: Error) => err instanceof InvalidArgumentError && /my-profile.*not enabled/.test(err.message),
    );
    assert.throws(() => decideAppArmor({ apparmorProfile: 'localhost/k8s-nginx' }), /k8s-nginx/);
  });

  it('the structured field wins over the legacy string', () => {
    assert.equal(
      decideAppArmor({ apparmor: { profileType: 'Unconfined' }, apparmorProfile: 'localhost/x' }).confined,
      false,
    );
  });

  it('refuses malformed requests', () => {
    assert.throws(() => decideAppArmor({ apparmorProfile: 'bogus' }), /apparmor_profile: invalid profile/);
    assert.throws(
      () => decideAppArmor({ apparmor: { profileType: 'RuntimeDefault', localhostRef: 'x' } }),
      /only allowed/,
    );
    assert.throws(() => decideAppArmor({ apparmor: { profileType: 'Weird' } }), /profile_type/);
  });

  it('SELinux options are ignored', () => {
    assert.equal(decideSelinux().confined, false);
  });
});
