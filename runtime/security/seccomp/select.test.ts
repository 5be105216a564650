import { describe, it, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { resolveSeccomp } from './select';

const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-seccomp-select-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const profileFile = path.join(dir, 'block-chmod.json');
writeFileSync(
  profileFile,
  '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat"],"action":"SCMP_ACT_ERRNO"}]}',
);
const caps = ['CAP_CHOWN'];

async function rejects(promise: Promise<unknown>, message: RegExp) {
  await assert.rejects(promise, (err: Error) => err instanceof InvalidArgumentError && message.test(err.message));
}

describe('resolveSeccomp', () => {
  it('no request, Unconfined and "unconfined" mean no filter', async () => {
    for (const request of [
      {},
      { seccomp: null },
      { seccomp: { profileType: 'Unconfined' } },
      { seccompProfilePath: 'unconfined' },
      { seccompProfilePath: '' },
    ]) {
      assert.equal(
        (await resolveSeccomp({ privileged: false, boundingCapabilities: caps, ...request })).mode,
        'unconfined',
      );
    }
  });

  it('RuntimeDefault, from the structured field or the legacy names', async () => {
    for (const request of [
      { seccomp: { profileType: 'RuntimeDefault' } },
      { seccomp: {} },
      { seccompProfilePath: 'runtime/default' },
      { seccompProfilePath: 'docker/default' },
    ]) {
      const decision = await resolveSeccomp({ privileged: false, boundingCapabilities: caps, ...request });
      assert.ok(decision.mode === 'runtime-default' && decision.compiled.filter.length > 0, JSON.stringify(request));
    }
  });

  it('reads Localhost profiles by absolute path, with or without the localhost/ prefix', async () => {
    for (const request of [
      { seccomp: { profileType: 'Localhost', localhostRef: profileFile } },
      { seccomp: { profileType: 'Localhost', localhostRef: `localhost/${profileFile}` } },
      { seccompProfilePath: `localhost/${profileFile}` },
    ]) {
      const decision = await resolveSeccomp({ privileged: false, boundingCapabilities: caps, ...request });
      assert.equal(decision.mode, 'localhost');
      assert.ok(decision.mode === 'localhost' && decision.profilePath === profileFile);
    }
  });

  it('the structured field wins over the legacy path', async () => {
    const decision = await resolveSeccomp({
      privileged: false,
      boundingCapabilities: caps,
      seccomp: { profileType: 'Unconfined' },
      seccompProfilePath: 'localhost//missing.json',
    });
    assert.equal(decision.mode, 'unconfined');
  });

  it('privileged containers are never filtered, even with a profile named', async () => {
    const decision = await resolveSeccomp({
      privileged: true,
      boundingCapabilities: caps,
      seccomp: { profileType: 'Localhost', localhostRef: path.join(dir, 'missing.json') },
    });
    assert.equal(decision.mode, 'unconfined');
  });

  it('a missing, unreadable or malformed profile is INVALID_ARGUMENT naming the field', async () => {
    const base = { privileged: false, boundingCapabilities: caps };
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'Localhost', localhostRef: path.join(dir, 'missing.json') } }),
      /^seccomp\.localhost_ref .*missing\.json: cannot read seccomp profile \(ENOENT\)/,
    );
    const malformed = path.join(dir, 'malformed.json');
    writeFileSync(malformed, '{"defaultAction": ');
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'Localhost', localhostRef: malformed } }),
      /malformed seccomp profile/,
    );
    const bogus = path.join(dir, 'bogus.json');
    writeFileSync(bogus, '{"defaultAction": "SCMP_ACT_EXPLODE"}');
    await rejects(
      resolveSeccomp({ ...base, seccompProfilePath: `localhost/${bogus}` }),
      /^seccomp_profile_path.*unknown seccomp action/,
    );
    const directory = path.join(dir, 'a-directory');
    mkdirSync(directory);
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'Localhost', localhostRef: directory } }),
      /not a regular file/,
    );
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'Localhost', localhostRef: 'relative.json' } }),
      /not an absolute path/,
    );
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'Localhost', localhostRef: '' } }),
      /not an absolute path/,
    );
    await rejects(
      resolveSeccomp({ ...base, seccomp: { profileType: 'RuntimeDefault', localhostRef: profileFile } }),
      /only allowed/,
    );
    await rejects(resolveSeccomp({ ...base, seccompProfilePath: 'bogus' }), /seccomp_profile_path: invalid profile/);
    await rejects(resolveSeccomp({ ...base, seccomp: { profileType: 'Other' } }), /profile_type/);
  });
});
