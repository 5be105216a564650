// Kernel test (root): the monitor keeps none of the fds corrald inherited from its own parent, and
// the container's init (which a container sharing its pid namespace can inspect through
// /proc/<pid>/fd) keeps nothing of the monitor's while it waits for StartContainer.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, promises as fs, readdirSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { containerMessage } from './messages';
import { isAlive, processRef } from './proc_stat';
import { Fixture } from './testing/container_fixture';
import { nativeProgram } from '../../native/helper_path';

function fdTargets(pid: number): Map<number, string> {
  const targets = new Map<number, string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      /* closed while we looked */
    }
  }
  return targets;
}

/** Starts the monitor the way corrald would, but with `leaked` open as its fd 3. */
function startMonitor(message: Buffer, leaked: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const child = spawn(nativeProgram('corral-monitor'), [], { stdio: ['pipe', 'pipe', 'inherit', leaked] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', () => {
      const words = out.trim().split(' ');
      if (words[0] !== 'ok') return reject(new Error(`monitor: ${out}`));
      resolve([Number(words[1]), Number(words[2])]);
    });
    child.stdin!.end(message);
  });
}

describe('monitor fds', () => {
  let fixture: Fixture;
  const started: number[] = [];

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await fixture.cleanup();
  });

  it('closes fds inherited from corrald; the waiting init holds only its stdio and sync socket', async () => {
    const marker = fixture.dir('inherited-marker');
    const leaked = openSync(marker, 'w');
    const spec = await fixture.containerSpec(['sleep', '1000']);
    await fs.mkdir(spec.bundleDir, { recursive: true });
    await fs.mkdir(path.dirname(spec.logPath), { recursive: true });
    let monitor: number, init: number;
    try {
      [monitor, init] = await startMonitor(containerMessage(spec), leaked);
    } finally {
      closeSync(leaked);
    }
    started.push(init, monitor);
    const monitorFds = fdTargets(monitor);
    assert.ok(
      ![...monitorFds.values()].includes(marker),
      `the monitor kept ${marker}: ${[...monitorFds.values()].join(' ')}`,
    );
    const initFds = fdTargets(init);
    const extra = [...initFds].filter(([fd, target]) => fd > 2 && !target.startsWith('socket:'));
    assert.deepEqual(extra, [], 'the init holds none of the monitor files (log, marker) before StartContainer');
    assert.ok(initFds.size <= 4, `only stdio and the sync socket: ${JSON.stringify([...initFds])}`);
    const monitorRef = await processRef(monitor);
    process.kill(init, 'SIGKILL');
    for (let i = 0; i < 400 && monitorRef && (await isAlive(monitorRef)); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await fs.rm(spec.bundleDir, { recursive: true, force: true });
  });
});
