import { describe, it, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import { ContainerSecurityRequest, resolveContainerSecurity } from './container_security';
import { DEFAULT_MASKED_PATHS } from './masked_paths';
import { resolveSandboxSecurity, SandboxSecurityRequest } from './sandbox_security';

const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-security-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const blockHostname = path.join(dir, 'block-hostname.json');
writeFileSync(
  blockHostname,
  '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["sethostname"],"action":"SCMP_ACT_ERRNO"}]}',
);

const plain: ContainerSecurityRequest = {
  privileged: false,
  capabilities: null,
  noNewPrivs: false,
  maskedPaths: [],
  readonlyPaths: [],
  seccomp: null,
  seccompProfilePath: '',
  apparmor: null,
  apparmorProfile: '',
};
const pod = { privileged: false };

describe('resolveContainerSecurity', () => {
  it('a plain container: default caps, the paths as given (none: containerd masks none), no filter', async () => {
    const security = await resolveContainerSecurity(plain, pod);
    assert.equal(security.summary.capabilities.boundingMask, '00000000a80425fb');
    assert.deepEqual([security.maskedPaths, security.readonlyPaths], [[], []]);
    const kubelet = await resolveContainerSecurity({ ...plain, maskedPaths: [...DEFAULT_MASKED_PATHS] }, pod);
    assert.deepEqual(kubelet.maskedPaths, [...DEFAULT_MASKED_PATHS]);
    assert.equal(security.seccompFilter, undefined);
    assert.equal(security.summary.seccomp, 'unconfined');
  });

  it('RuntimeDefault compiles a filter that depends on the capabilities', async () => {
    const withoutAdmin = await resolveContainerSecurity({ ...plain, seccomp: { profileType: 'RuntimeDefault' } }, pod);
    const withAdmin = await resolveContainerSecurity(
      {
        ...plain,
        seccomp: { profileType: 'RuntimeDefault' },
        capabilities: { add: ['SYS_ADMIN'], drop: [], addAmbient: [] },
      },
      pod,
    );
    assert.ok(withoutAdmin.seccompFilter && withAdmin.seccompFilter);
    assert.notDeepEqual(withoutAdmin.seccompFilter, withAdmin.seccompFilter);
    assert.equal(withAdmin.summary.seccomp, 'runtime-default');
  });

  it('a Localhost profile is reported with its path', async () => {
    const security = await resolveContainerSecurity(
      { ...plain, seccomp: { profileType: 'Localhost', localhostRef: blockHostname } },
      pod,
    );
    assert.equal(security.summary.seccompProfilePath, blockHostname);
    assert.ok(security.seccompFilter);
  });

  it('privileged: every capability, no paths, no filter, and only in a privileged pod', async () => {
    const request = { ...plain, privileged: true, seccomp: { profileType: 'Localhost', localhostRef: blockHostname } };
    await assert.rejects(resolveContainerSecurity(request, pod), InvalidArgumentError);
    const security = await resolveContainerSecurity(request, { privileged: true });
    assert.equal(security.seccompFilter, undefined);
    assert.deepEqual([security.maskedPaths, security.readonlyPaths], [[], []]);
    assert.ok(security.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  });

  it('bad input is INVALID_ARGUMENT', async () => {
    await assert.rejects(
      resolveContainerSecurity({ ...plain, capabilities: { add: ['NOPE'], drop: [], addAmbient: [] } }, pod),
      InvalidArgumentError,
    );
    await assert.rejects(
      resolveContainerSecurity({ ...plain, apparmorProfile: 'localhost/prof' }, pod),
      InvalidArgumentError,
    );
    await assert.rejects(
      resolveContainerSecurity({ ...plain, seccompProfilePath: `localhost/${dir}/none.json` }, pod),
      InvalidArgumentError,
    );
  });
});

describe('resolveSandboxSecurity', () => {
  const sandbox: SandboxSecurityRequest = {
    privileged: false,
    sysctls: {},
    hostNetwork: false,
    hostIpc: false,
    userNamespace: null,
    seccomp: null,
    seccompProfilePath: '',
    apparmor: null,
    apparmorProfile: '',
  };

  it('validates sysctls and user namespaces', async () => {
    assert.deepEqual(await resolveSandboxSecurity({ ...sandbox, sysctls: { 'net.ipv4.ip_forward': '1' } }), {
      sysctls: { 'net.ipv4.ip_forward': '1' },
    });
    const userns = await resolveSandboxSecurity({
      ...sandbox,
      userNamespace: {
        mode: 'POD',
        uids: [{ containerId: 0, hostId: 1000, length: 100000 }],
        gids: [{ containerId: 0, hostId: 1000, length: 100000 }],
      },
    });
    assert.equal(userns.userNamespace?.uidMappings[0].hostId, 1000);
    await assert.rejects(
      resolveSandboxSecurity({ ...sandbox, sysctls: { 'kernel.panic': '1' } }),
      InvalidArgumentError,
    );
    await assert.rejects(
      resolveSandboxSecurity({ ...sandbox, userNamespace: { mode: 'CONTAINER' } }),
      InvalidArgumentError,
    );
  });

  it('fails on a pod seccomp or AppArmor profile it cannot honour', async () => {
    await assert.rejects(
      resolveSandboxSecurity({ ...sandbox, seccomp: { profileType: 'Localhost', localhostRef: `${dir}/none.json` } }),
      /cannot read seccomp profile/,
    );
    await assert.rejects(
      resolveSandboxSecurity({ ...sandbox, apparmor: { profileType: 'Localhost', localhostRef: 'p' } }),
      /AppArmor/,
    );
  });
});
