// Kernel tests (root): create/start/exit of containers through the native monitor.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { NativeProcessRuntime } from './process_runtime';
import { Fixture } from './testing/container_fixture';
import { logLines, readLog } from './testing/log_reader';
import type { ContainerSpec } from './contract';

describe('container lifecycle', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;

  before(async () => { fixture = await Fixture.create(); });
  after(async () => { await fixture.cleanup(); });

  async function run(spec: ContainerSpec): Promise<string[]> {
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 0, `exit ${exit.exitCode}`);
    return logLines(await readLog(spec.logPath));
  }

  it('runs the command as pid 1 with the pod hostname in new namespaces', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'echo $$; hostname; for n in net ipc uts pid mnt; do readlink /proc/self/ns/$n; done']);
    const lines = await run(spec);
    assert.equal(lines[0], '1');
    assert.equal(lines[1], spec.hostname);
    for (const [i, kind] of ['net', 'ipc', 'uts', 'pid', 'mnt'].entries()) {
      assert.notEqual(lines[2 + i], readlinkSync(`/proc/self/ns/${kind}`), `${kind} namespace is the host's`);
    }
  });

  it('runs nothing before start, and records startedAt and the exit code', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'touch /ran; exit 3']);
    fixture.track(spec.bundleDir);
    const created = await runtime.create(spec);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(fs.stat(path.join(spec.rootfs, 'ran')), 'the command ran before start');
    const cmdline = await fs.readFile(`/proc/${created.init.pid}/cmdline`, 'utf8');
    assert.ok(!cmdline.startsWith('sh'), 'init exec-ed before start');
    assert.equal(await runtime.readExit(spec.bundleDir), undefined);
    const { startedAt } = await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.signal, undefined);
    assert.equal(exit.startedAt, startedAt);
    assert.match(exit.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await fs.stat(path.join(spec.rootfs, 'ran'));
  });

  it('writes the CRI log format, splitting long lines into P records, with stderr', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'head -c 40000 /dev/zero | tr "\\0" x; echo; echo oops >&2; printf tail']);
    const lines = await run(spec);
    const records = await readLog(spec.logPath);
    const stdout = records.filter((r) => r.stream === 'stdout');
    assert.deepEqual(stdout.map((r) => r.tag), ['P', 'P', 'F', 'F']);
    assert.equal(stdout[0].text.length, 16384);
    assert.equal(lines[0], 'x'.repeat(40000));
    assert.equal(lines[1], 'tail');
    assert.deepEqual(logLines(records, 'stderr'), ['oops']);
  });

  it('records a signal exit as 128+n with the signal name', async () => {
    const spec = await fixture.containerSpec(['sleep', '1000']);
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    await runtime.signal(spec.bundleDir, 'SIGKILL');
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(await runtime.isMonitorAlive(spec.bundleDir), false);
    await runtime.cleanup(spec.bundleDir);
    assert.deepEqual(await fs.readdir(spec.bundleDir), []);
  });

  it('reports a command that cannot be executed as a start failure', async () => {
    const spec = await fixture.containerSpec(['/no/such/command']);
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await assert.rejects(runtime.start(spec.bundleDir), /no\/such\/command/);
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.notEqual(exit.exitCode, 0);
    assert.equal(exit.startedAt, undefined);
  });
});
