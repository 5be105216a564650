// PullImage from a hostile registry (issue 19, item 2): endless token and error bodies, silence
// and a trickle. corrald reads at most its caps (token 1 MiB, error text 4 KiB), gives up on a
// registry that stops talking, and fails a pull that outlives its deadline; its RSS stays within
// +64 MiB and ListContainers keeps answering within a second meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Corrald } from '../harness/corrald';
import { grpcCode } from '../lifecycle/fixture';
import { MiB, watchDaemon } from './testing/watch';
import { startHostileRegistry, type HostileRegistry } from './testing/hostile_registry';

const RESPONSE_TIMEOUT_S = 2;
const BODY_IDLE_S = 2;
const PULL_TIMEOUT_S = 6;

let daemon: Corrald;
let registry: HostileRegistry;

before(async () => {
  registry = await startHostileRegistry();
  daemon = await Corrald.start({
    configToml:
      `[registry]\nresponse_timeout_seconds = ${RESPONSE_TIMEOUT_S}\nbody_idle_timeout_seconds = ${BODY_IDLE_S}\n` +
      `[image]\npull_timeout_seconds = ${PULL_TIMEOUT_S}\n`,
  });
});
after(async () => {
  await daemon.stop();
  await daemon.removeDirs();
  await registry.stop();
});

async function pull(repo: string) {
  const watch = watchDaemon(daemon.pid, daemon.dirs.socket);
  const started = Date.now();
  let message = '';
  const code = await grpcCode(
    daemon.client
      .image('PullImage', { image: { image: `${registry.host}/${repo}:latest` }, auth: null })
      .catch((err) => {
        message = (err as Error).message;
        throw err;
      }),
  );
  const ms = Date.now() - started;
  const report = await watch.stop();
  const line =
    `${repo}: ${code} in ${ms} ms (${message.slice(0, 160)}); corrald RSS base ${(report.baseRss / MiB).toFixed(1)} ` +
    `MiB peak ${(report.peakRss / MiB).toFixed(1)} MiB (+${((report.peakRss - report.baseRss) / MiB).toFixed(1)}); ` +
    `ListContainers slowest ${report.slowestMs} ms, ${report.failures.length} of ${report.calls} failed`;
  console.log(line);
  assert.ok(report.peakRss - report.baseRss < 64 * MiB, line);
  assert.deepEqual(report.failures, []);
  assert.ok(report.slowestMs < 1000, line);
  return { code, ms, message };
}

test('an endless token response: RESOURCE_EXHAUSTED after 1 MiB, memory bounded', async () => {
  const r = await pull('token-flood');
  assert.equal(r.code, 'RESOURCE_EXHAUSTED');
  assert.match(r.message, /token.*larger than 1048576 bytes/);
  assert.ok((registry.sent.token ?? 0) < 64 * MiB, `the token server got to send ${registry.sent.token} bytes`);
});

test('an endless HTTP 500 body: UNAVAILABLE with the start of the text, the rest never read', async () => {
  const r = await pull('error-flood');
  assert.equal(r.code, 'UNAVAILABLE');
  assert.match(r.message, /HTTP 500 internal error: a+/);
  assert.ok((registry.sent.error ?? 0) < 64 * MiB, `the registry got to send ${registry.sent.error} bytes`);
});

test('a registry that never answers: UNAVAILABLE after the response timeout', async () => {
  const r = await pull('silent');
  assert.equal(r.code, 'UNAVAILABLE');
  assert.match(r.message, /no response within 2s/);
  assert.ok(r.ms < (RESPONSE_TIMEOUT_S + 2) * 1000, `took ${r.ms} ms`);
});

test('a body that stops: UNAVAILABLE after the body idle timeout', async () => {
  const r = await pull('idle');
  assert.equal(r.code, 'UNAVAILABLE');
  assert.match(r.message, /no data for 2s/);
  assert.ok(r.ms < (BODY_IDLE_S + 2) * 1000, `took ${r.ms} ms`);
});

test('a body that trickles forever: DEADLINE_EXCEEDED at the pull deadline', async () => {
  const r = await pull('trickle');
  assert.equal(r.code, 'DEADLINE_EXCEEDED');
  assert.match(r.message, /deadline of 6s/);
  assert.ok(r.ms < (PULL_TIMEOUT_S + 2) * 1000, `took ${r.ms} ms`);
  // Other pulls are not held up by the one that failed.
  assert.equal(await pull('silent').then((x) => x.code), 'UNAVAILABLE');
});
