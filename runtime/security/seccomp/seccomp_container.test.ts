// Kernel tests (root) through the real helper: compiled filters installed just before execve in
// a busybox container, and what its processes may then do.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeProcessRuntime } from '../../process/process_runtime';
import { Fixture, processSpec } from '../../process/testing/container_fixture';
import { logLines, readLog } from '../../process/testing/log_reader';
import type { ContainerSpec } from '../../process/contract';
import { resolveCapabilities } from '../capabilities';
import { resolveSeccomp } from './select';

describe('seccomp filters in containers', () => {
  const runtime = new NativeProcessRuntime();
  const profiles = mkdtempSync(path.join(os.tmpdir(), 'corral-seccomp-profiles-'));
  let fixture: Fixture;

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    await fixture.cleanup();
    rmSync(profiles, { recursive: true, force: true });
  });

  /** Runs `script` in a fresh container with the given caps and seccomp request; returns stdout lines. */
  async function run(
    script: string,
    seccomp: Parameters<typeof resolveSeccomp>[0]['seccomp'],
    add: string[] = [],
    noNewPrivileges = false,
  ): Promise<string[]> {
    const capabilities = resolveCapabilities({ privileged: false, capabilities: { add, drop: [], addAmbient: [] } });
    const decision = await resolveSeccomp({ privileged: false, seccomp, boundingCapabilities: capabilities.bounding });
    const args = ['sh', '-c', script];
    const spec: ContainerSpec = await fixture.containerSpec(args, {
      process: processSpec(args, {
        capabilities,
        noNewPrivileges,
        seccompFilter: decision.mode === 'unconfined' ? undefined : decision.compiled.filter,
      }),
    });
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    const records = await readLog(spec.logPath);
    assert.equal(exit.exitCode, 0, `exit ${exit.exitCode}: ${logLines(records, 'stderr').join(' | ')}`);
    return logLines(records);
  }

  const seccompField = 'grep Seccomp: /proc/self/status';

  it('RuntimeDefault: filter mode 2, ordinary work runs, namespaces and hostname are denied', async () => {
    const lines = await run(
      `${seccompField}; echo hi > /tmp/f && cat /tmp/f; ` +
        'hostname other 2>/dev/null && echo hostname-allowed || echo hostname-denied; ' +
        'unshare -u true 2>/dev/null && echo unshare-allowed || echo unshare-denied',
      { profileType: 'RuntimeDefault' },
    );
    assert.match(lines[0], /^Seccomp:\s+2$/);
    assert.deepEqual(lines.slice(1), ['hi', 'hostname-denied', 'unshare-denied']);
  });

  it('RuntimeDefault with CAP_SYS_ADMIN allows sethostname', async () => {
    const lines = await run('hostname other && hostname', { profileType: 'RuntimeDefault' }, ['SYS_ADMIN']);
    assert.deepEqual(lines, ['other']);
  });

  it('the filter is installed with and without no_new_privs', async () => {
    const lines = await run(
      `${seccompField}; grep NoNewPrivs: /proc/self/status`,
      { profileType: 'RuntimeDefault' },
      [],
      true,
    );
    assert.match(lines[0], /^Seccomp:\s+2$/);
    assert.match(lines[1], /^NoNewPrivs:\s+1$/);
  });

  it('Unconfined: no filter', async () => {
    assert.match((await run(seccompField, { profileType: 'Unconfined' }))[0], /^Seccomp:\s+0$/);
    assert.match((await run(seccompField, null))[0], /^Seccomp:\s+0$/);
  });

  it('a Localhost profile blocking chmod gives "Operation not permitted", as critest expects', async () => {
    const file = path.join(profiles, 'block-chmod.json');
    writeFileSync(
      file,
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat","fchmodat2"],"action":"SCMP_ACT_ERRNO"}]}',
    );
    const lines = await run('chmod 400 / 2>&1; echo done', { profileType: 'Localhost', localhostRef: file });
    assert.match(lines[0], /Operation not permitted/);
  });

  it('a Localhost profile blocking sethostname wins over CAP_SYS_ADMIN', async () => {
    const file = path.join(profiles, 'block-hostname.json');
    writeFileSync(
      file,
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["sethostname"],"action":"SCMP_ACT_ERRNO"}]}',
    );
    const lines = await run(
      'hostname other 2>/dev/null && echo allowed || echo denied',
      { profileType: 'Localhost', localhostRef: file },
      ['SYS_ADMIN'],
    );
    assert.deepEqual(lines, ['denied']);
  });
});
