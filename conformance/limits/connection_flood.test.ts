// A local user floods the streaming server with connections that never send a byte. corrald
// keeps under its connection cap, closes the silent sockets, and every CRI call keeps answering
// (issue 19, item 1: before the cap, 19,990 idle sockets took every fd and cut kubelet off).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Corrald } from '../harness/corrald';
import { MiB, fdCount, watchDaemon } from './testing/watch';
import { freePort } from '../testing/free_port';

const ATTEMPTS = 20_000;
const REQUEST_TIMEOUT_S = 3;

// Opens ATTEMPTS connections as fast as it can and holds every one the server leaves open.
const FLOODER = `
const net = require('node:net');
const [port, attempts] = process.argv.slice(2).map(Number);
let open = 0, peak = 0, connected = 0, closed = 0, failed = 0, started = 0;
function one() {
  started++;
  let up = false;
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => { up = true; connected++; open++; peak = Math.max(peak, open); });
  s.on('error', () => { if (!up) failed++; });
  s.on('close', () => { if (up) { closed++; open--; } });
}
(function burst() {
  for (let i = 0; i < 500 && started < attempts; i++) one();
  if (started < attempts) setImmediate(burst);
  else finish(Date.now() + 8000);
})();
// Holds on until the server has closed every socket (or 8 s passed), then reports.
function finish(deadline) {
  if (open > 0 && Date.now() < deadline) return setTimeout(() => finish(deadline), 100);
  console.log(JSON.stringify({ started, connected, peak, closed, failed }));
  process.exit(0);
}
`;

let daemon: Corrald;
let dir: string;
let port: number;

before(async () => {
  port = await freePort();
  daemon = await Corrald.start({
    configToml: `[streaming]\nport = ${port}\nrequest_timeout_seconds = ${REQUEST_TIMEOUT_S}\n`,
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'corral-flood-'));
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'flood.js'), FLOODER, { mode: 0o644 });
});
after(async () => {
  await daemon.stop();
  await daemon.removeDirs();
  rmSync(dir, { recursive: true, force: true });
});

interface FloodCounts {
  started: number;
  connected: number;
  peak: number;
  closed: number;
  failed: number;
}

function floodAsNobody(): Promise<FloodCounts> {
  const child = spawn(
    'runuser',
    ['-u', 'nobody', '--', process.execPath, path.join(dir, 'flood.js'), String(port), String(ATTEMPTS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as FloodCounts) : reject(new Error(`flooder exited ${code}`)),
    ),
  );
}

test(`${ATTEMPTS} idle connections from nobody: CRI calls answer within 1 s, silent sockets are closed`, async () => {
  const baseFds = fdCount(daemon.pid);
  const watch = watchDaemon(daemon.pid, daemon.dirs.socket);
  const flood = await floodAsNobody();
  const report = await watch.stop();
  console.log(
    `flood ${JSON.stringify(flood)}: ListContainers slowest ${report.slowestMs} ms over ${report.calls} calls, ` +
      `${report.failures.length} failed; corrald fds base ${baseFds} peak ${report.peakFds}; ` +
      `RSS base ${(report.baseRss / MiB).toFixed(1)} MiB peak ${(report.peakRss / MiB).toFixed(1)} MiB`,
  );
  assert.deepEqual(report.failures, []);
  assert.ok(report.slowestMs < 1000, `slowest ListContainers took ${report.slowestMs} ms`);
  assert.ok(report.peakFds < baseFds + 1100, `corrald held ${report.peakFds} fds`);
  // The flooder held its sockets up to 8 s, past the request timeout: corrald closed them itself.
  // (Sockets the kernel completed but dropped from a full accept queue never reach corrald.)
  assert.ok(flood.closed >= flood.peak, `corrald closed ${flood.closed} sockets, the flooder held ${flood.peak}`);
  assert.ok(fdCount(daemon.pid) < baseFds + 16, 'idle sockets were let go');
  // The server still serves a real request.
  const res = await fetch(`http://127.0.0.1:${port}/exec/unknown-token`);
  assert.equal(res.status, 404);
});
