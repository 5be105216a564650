// Kernel tests (root): ExecSync, log reopening, and containers outliving the process that made them.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NativeProcessRuntime } from './process_runtime';
import { EXEC_OUTPUT_CAP } from './exec_sync';
import { Fixture, processSpec } from './testing/container_fixture';
import { readLog, waitFor } from './testing/log_reader';
import type { ContainerSpec, CreatedContainer } from './contract';
import { isAlive, processRef } from './proc_stat';

async function childrenOf(pid: number): Promise<number[]> {
  const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter(Boolean).map(Number);
}

describe('exec, logs and detached monitors', () => {
  const runtime = new NativeProcessRuntime();
  let fixture: Fixture;

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    await fixture.cleanup();
  });

  async function startSleeper(overrides: Partial<ContainerSpec> = {}): Promise<ContainerSpec> {
    const spec = await fixture.containerSpec(['sleep', '1000'], overrides);
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    return spec;
  }

  it('execs inside the container with its namespaces, capturing output and exit code', async () => {
    const spec = await startSleeper();
    const result = await runtime.execSync(
      spec.bundleDir,
      processSpec(['sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo err >&2; exit 7']),
      0,
    );
    assert.equal(result.exitCode, 7);
    assert.equal(result.timedOut, false);
    assert.equal(result.stdout.toString(), `${spec.hostname}\nsleep 1000 `);
    assert.equal(result.stderr.toString(), 'err\n');
    const asUser = await runtime.execSync(spec.bundleDir, processSpec(['id', '-u'], { uid: 1000, gid: 1000 }), 0);
    assert.equal(asUser.stdout.toString(), '1000\n');
    const missing = await runtime.execSync(spec.bundleDir, processSpec(['no-such-command']), 0);
    assert.equal(missing.exitCode, 127);
  });

  it('caps captured output at 16 MiB per stream', async () => {
    const spec = await startSleeper();
    const result = await runtime.execSync(
      spec.bundleDir,
      processSpec(['sh', '-c', 'head -c 17000000 /dev/zero; echo small >&2']),
      0,
    );
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.length, EXEC_OUTPUT_CAP);
    assert.equal(result.stderr.toString(), 'small\n');
  });

  it('kills an exec that runs past its timeout and says so', async () => {
    const spec = await startSleeper();
    const result = await runtime.execSync(spec.bundleDir, processSpec(['sh', '-c', 'echo started; sleep 100']), 300);
    assert.equal(result.timedOut, true);
    assert.equal(result.stdout.toString(), 'started\n');
    const leftovers = await runtime.execSync(
      spec.bundleDir,
      processSpec(['sh', '-c', 'ps -o comm | grep -c "^sleep" || true']),
      0,
    );
    assert.equal(leftovers.stdout.toString().trim(), '1', 'the timed-out exec is still running');
  });

  it('reports an exec whose helper was SIGKILLed (its container killed) as killed, its command gone', async () => {
    // A container's cgroup kill (StopPodSandbox, the OOM killer) kills the exec helper, which
    // joined that cgroup, before it can report; its command dies with it (PR_SET_PDEATHSIG).
    const spec = await startSleeper();
    const running = runtime.execSync(spec.bundleDir, processSpec(['sleep', '4321']), 0);
    const [helper, command] = await waitFor(async () => {
      for (const pid of await childrenOf(process.pid)) {
        const [cmd] = await childrenOf(pid);
        if (cmd && (await fs.readFile(`/proc/${cmd}/cmdline`, 'utf8').catch(() => '')) === 'sleep\u00004321\u0000')
          return [pid, await processRef(cmd)];
      }
      return undefined;
    }, 'the exec helper and its command');
    process.kill(helper, 'SIGKILL');
    const result = await running;
    assert.equal(result.exitCode, 137);
    assert.ok(command);
    await waitFor(async () => ((await isAlive(command)) ? undefined : true), 'the command to die with its helper');
  });

  it('reopens the log file after rotation', async () => {
    const spec = await fixture.containerSpec([
      'sh',
      '-c',
      'i=0; while true; do echo line$i; i=$((i+1)); sleep 0.02; done',
    ]);
    fixture.track(spec.bundleDir);
    await runtime.create(spec);
    await runtime.start(spec.bundleDir);
    await waitFor(async () => ((await readLog(spec.logPath)).length > 0 ? true : undefined), 'first log line');
    await fs.rename(spec.logPath, `${spec.logPath}.1`);
    await runtime.reopenLog(spec.bundleDir);
    const fresh = await waitFor(async () => {
      const records = await readLog(spec.logPath);
      return records.length > 0 ? records : undefined;
    }, 'a line in the reopened log');
    assert.match(fresh[0].text, /^line\d+$/);
    const rotated = await readLog(`${spec.logPath}.1`);
    assert.notEqual(rotated[rotated.length - 1].text, fresh[0].text);
  });

  it('keeps the container and its monitor when the creating process exits', async () => {
    const spec = await fixture.containerSpec(['sleep', '1000']);
    fixture.track(spec.bundleDir);
    const helper = path.join(__dirname, 'testing', 'create_and_exit.js');
    const created = JSON.parse(
      execFileSync(process.execPath, [helper, JSON.stringify(spec)], { encoding: 'utf8' }),
    ) as CreatedContainer;
    assert.equal(await isAlive(created.init), true);
    assert.equal(await runtime.isMonitorAlive(spec.bundleDir), true);
    const result = await runtime.execSync(spec.bundleDir, processSpec(['echo', 'still here']), 0);
    assert.equal(result.stdout.toString(), 'still here\n');
    await runtime.signal(spec.bundleDir, 'SIGKILL');
    assert.equal((await runtime.waitExit(spec.bundleDir)).signal, 'SIGKILL');
    // waitExit returns once the monitor's connection closed; its process ends right after.
    await waitFor(
      async () => ((await runtime.isMonitorAlive(spec.bundleDir)) ? undefined : true),
      'the monitor to end',
    );
  });
});
