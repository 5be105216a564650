// Kernel tests (root): streamed exec — stdin in, output out, a terminal with resizes, kill.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { NativeProcessRuntime } from './process_runtime';
import { collect } from './testing/collect';
import { Fixture, processSpec } from './testing/container_fixture';
import type { ContainerSpec } from './contract';
import { waitFor } from './testing/log_reader';

describe('streamed exec', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;
  let sleeper: ContainerSpec;

  before(async () => {
    fixture = await Fixture.create();
    sleeper = await fixture.containerSpec(['sleep', '1000']);
    fixture.track(sleeper.bundleDir);
    await runtime.create(sleeper);
    await runtime.start(sleeper.bundleDir);
  });
  after(async () => { await fixture.cleanup(); });

  it('feeds stdin and streams stdout and stderr separately', async () => {
    const exec = await runtime.execStream(sleeper.bundleDir, processSpec(['sh', '-c', 'tr a-z A-Z; echo bye >&2; exit 4'], { stdin: true }));
    const out = collect(exec.stdout);
    const err = collect(exec.stderr);
    exec.stdin!.end('hello\n');
    assert.equal(await exec.exited, 4);
    assert.equal(out(), 'HELLO\n');
    assert.equal(err(), 'bye\n');
  });

  it('gives a tty exec a terminal inside the container that follows resizes', async () => {
    const exec = await runtime.execStream(sleeper.bundleDir,
      processSpec(['sh', '-c', 'tty; read line; stty size; echo "got $line"'], { stdin: true, tty: true }));
    assert.equal(exec.stderr, undefined);
    const out = collect(exec.stdout);
    exec.resize({ width: 100, height: 40 });
    // The size must be applied before `stty size` runs: send the line only once `tty` printed.
    await waitFor(async () => (/\/dev\/pts\/\d+/.test(out()) ? true : undefined), 'the tty line');
    exec.stdin!.write('ping\n');
    assert.equal(await exec.exited, 0);
    const lines = out().split(/\r?\n/).filter(Boolean);
    assert.match(lines[0], /^\/dev\/pts\/\d+$/);
    assert.ok(lines.includes('40 100'), `no resized size in ${JSON.stringify(lines)}`);
    assert.ok(lines.includes('got ping'));
  });

  it('kills the command when the client goes away', async () => {
    const exec = await runtime.execStream(sleeper.bundleDir, processSpec(['sh', '-c', 'sleep 500 & wait']));
    exec.kill();
    exec.kill();
    assert.ok((await exec.exited) >= 128);
    const left = await runtime.execSync(sleeper.bundleDir, processSpec(['sh', '-c', 'ps -o comm | grep -c "^sleep" || true']), 0);
    assert.equal(left.stdout.toString().trim(), '1', 'the killed exec left a process behind');
  });
});
