// Kernel tests (root): create/start/exit of containers through the native monitor.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { NativeProcessRuntime } from './process_runtime';
import { Fixture } from './testing/container_fixture';
import { logLines, readLog, waitFor } from './testing/log_reader';
import { isAlive } from './proc_stat';
import type { ContainerSpec } from './contract';

describe('container lifecycle', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    await fixture.cleanup();
  });

  async function run(spec: ContainerSpec): Promise<string[]> {
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 0, `exit ${exit.exitCode}`);
    return logLines(await readLog(spec.logPath));
  }

  it('runs the command as pid 1 with the pod hostname in new namespaces', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'echo $$; hostname; for n in net ipc uts pid mnt; do readlink /proc/self/ns/$n; done',
    ]);
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
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'head -c 40000 /dev/zero | tr "\\0" x; echo; echo oops >&2; printf tail',
    ]);
    const lines = await run(spec);
    const records = await readLog(spec.logPath);
    const stdout = records.filter((r) => r.stream === 'stdout');
    assert.deepEqual(
      stdout.map((r) => r.tag),
      ['P', 'P', 'F', 'F'],
    );
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
    // The exit resolves as soon as the monitor wrote it; the monitor ends right after.
    await waitFor(
      async () => ((await runtime.isMonitorAlive(spec.bundleDir)) ? undefined : true),
      'the monitor to end',
    );
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

  it('gives a tty container a terminal and logs what it prints', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'tty; test -t 0 && echo stdin-is-tty']);
    spec.process.tty = true;
    const lines = (await run(spec)).map((line) => line.replace(/\r$/, ''));
    assert.match(lines[0], /^\/dev\/pts\/\d+$/);
    assert.equal(lines[1], 'stdin-is-tty');
  });

  it('reports a lost exit and ends the init when its monitor was killed', async () => {
    const spec = await fixture.containerSpec(['sleep', '1000']);
    fixture.track(spec.bundleDir);
    const created = await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    process.kill(created.monitor.pid, 'SIGKILL');
    const exit = await runtime.waitExit(spec.bundleDir);
    assert.equal(exit.exitCode, 255);
    assert.deepEqual(await runtime.readExit(spec.bundleDir), exit);
    await waitFor(async () => ((await isAlive(created.init)) ? undefined : true), 'the orphaned init to end');
  });

  it('stops waiting when the caller aborts', async () => {
    const spec = await fixture.containerSpec(['sleep', '1000']);
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const controller = new AbortController();
    const waiting = runtime.waitExit(spec.bundleDir, controller.signal);
    controller.abort(new Error('caller gave up'));
    await assert.rejects(waiting, /caller gave up/);
    assert.equal(await runtime.readExit(spec.bundleDir), undefined);
  });

  it('stays in the host namespaces it is told to', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'echo $$; for n in net pid ipc; do readlink /proc/self/ns/$n; done',
    ]);
    spec.namespaces = { net: { mode: 'host' }, ipc: { mode: 'host' }, uts: { mode: 'new' }, pid: { mode: 'host' } };
    const lines = await run(spec);
    assert.notEqual(lines[0], '1');
    assert.deepEqual(
      lines.slice(1),
      ['net', 'pid', 'ipc'].map((kind) => readlinkSync(`/proc/self/ns/${kind}`)),
    );
  });

  it('fails create cleanly when the rootfs cannot be entered', async () => {
    const spec = await fixture.containerSpec(['true']);
    spec.rootfs = fixture.dir('no-such-rootfs');
    await assert.rejects(runtime.create(spec), /no-such-rootfs/);
    assert.deepEqual(await fs.readdir(spec.bundleDir), []);
  });
});
