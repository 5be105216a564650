// Kernel tests (root): attach to a container's stdio through its monitor.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { NativeProcessRuntime } from './process_runtime';
import { collect } from './testing/collect';
import { Fixture } from './testing/container_fixture';
import { logLines, readLog, waitFor } from './testing/log_reader';
import { isAlive } from './proc_stat';

describe('attach', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;

  before(async () => { fixture = await Fixture.create(); });
  after(async () => { await fixture.cleanup(); });

  it('streams stdin in and stdout/stderr out while the log keeps everything; detach leaves it running', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'while read l; do echo "got $l"; echo "err $l" >&2; done; echo closed']);
    spec.process.stdin = true;
    fixture.track(spec.bundleDir);
    const created = await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const first = await runtime.attach(spec.bundleDir, { stdin: true, stdout: true, stderr: true, tty: false });
    const out = collect(first.stdout);
    const err = collect(first.stderr);
    first.stdin!.write('one\n');
    await waitFor(async () => (out().includes('got one') && err().includes('err one') ? true : undefined), 'attached output');
    first.detach();
    await first.ended;
    assert.equal(await isAlive(created.init), true);

    const second = await runtime.attach(spec.bundleDir, { stdin: true, stdout: true, stderr: false, tty: false });
    const out2 = collect(second.stdout);
    second.stdin!.end('two\n');
    await second.ended;   // stdin closed → the loop ends → the container exits
    assert.equal(out2(), 'got two\nclosed\n');
    assert.equal((await runtime.waitExit(spec.bundleDir)).exitCode, 0);
    assert.deepEqual(logLines(await readLog(spec.logPath)), ['got one', 'got two', 'closed']);
  });

  it('attaches to a tty container and resizes its terminal', async () => {
    const spec = await fixture.containerSpec(['sh', '-c', 'read l; stty size; echo "got $l"']);
    spec.process.tty = true;
    spec.process.stdin = true;
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    const attached = await runtime.attach(spec.bundleDir, { stdin: true, stdout: true, stderr: false, tty: true });
    const out = collect(attached.stdout);
    attached.resize({ width: 90, height: 30 });   // frames arrive in order: the size comes first
    attached.stdin!.write('x\n');
    await attached.ended;
    const lines = out().split(/\r?\n/).filter(Boolean);
    assert.ok(lines.includes('30 90'), JSON.stringify(lines));
    assert.ok(lines.includes('got x'));
  });
});
