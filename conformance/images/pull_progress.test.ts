// corralctl pull's per-layer progress, from a registry slow enough to watch (the test proxy's
// slow-large-blob, ~2.5 MB/s) and an image of two incompressible layers (6 MiB and 4 MiB).
// On a real pty (util-linux script) the block of layer lines is redrawn in place with bytes and
// a rate; through a pipe the same facts come as plain lines. PullProgress itself answers found
// while a pull runs and refuses an empty reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { buildImage, pushImage, startRegistryProxy, suiteRegistry, type BuiltImage } from '../testimages';
import type { Corrald } from '../harness/corrald';
import { failure, startCorrald } from './helpers';

const ESC = '\x1b';
const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
const LAYER_BYTES = [6 * 1024 * 1024, 4 * 1024 * 1024];
let big: BuiltImage;
const suite = suiteRegistry({}, async ({ registry }) => {
  big = await buildImage(
    LAYER_BYTES.map((n, i) => [{ type: 'file', path: `/blob${i}`, content: randomBytes(n) }]),
    { Cmd: ['sh'] },
  );
  await pushImage(registry, big, 'corral-test/big', 'latest');
});

function bigLayers(): { digest: string; size: number }[] {
  return (JSON.parse(big.manifest.toString('utf8')) as { layers: { digest: string; size: number }[] }).layers;
}

/** Layer digests as the display shortens them. */
function shortLayers(): string[] {
  return bigLayers().map((l) => l.digest.replace('sha256:', '').slice(0, 12));
}

function run(command: string, args: string[]): Promise<{ out: string; code: number | null }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    }),
  );
}

function pullArgs(daemon: Corrald, image: string): string[] {
  return [CORRALCTL, '--endpoint', `unix://${daemon.dirs.socket}`, 'pull', image];
}

const LINE =
  /^([0-9a-f]{12}) {2}(?:(done) {2}([\d.]+[kMG]?B)|([\d.]+[kMG]?B) \/ ([\d.]+[kMG]?B)|waiting {2}\S+)(?: {2}([\d.]+[kMG]?B)\/s)?$/;

test('on a terminal the layers are redrawn in place with bytes and rate; piped, plain lines', async (t) => {
  const proxy = await startRegistryProxy({ upstream: suite.registry, tamper: 'slow-large-blob' });
  t.after(() => proxy.stop());
  const daemon = await startCorrald(t);
  const image = `${proxy.host}/corral-test/big:latest`;

  const shell = [process.execPath, ...pullArgs(daemon, image)].map((a) => `'${a}'`).join(' ');
  const tty = await run('script', ['-qefc', shell, '/dev/null']);
  assert.equal(tty.code, 0, tty.out);
  // Escapes shown as <ESC> (a control character cannot appear in a lint-clean regular expression).
  const screen = tty.out.split(ESC).join('<ESC>');
  assert.match(screen, /<ESC>\[2A/, 'the two layer lines are redrawn (cursor up two lines)');
  const drawn = screen
    .split(/\r?\n|\r|<ESC>\[\d+A/)
    .map((l) => l.replace(/<ESC>\[K/g, ''))
    .filter((l) => LINE.test(l));
  const midway = drawn.filter((l) => / \/ /.test(l) && /\/s$/.test(l));
  assert.ok(midway.length > 0, `a layer was seen part-way with its rate:\n${tty.out}`);
  for (const id of shortLayers())
    assert.ok(
      drawn.some((l) => l.startsWith(`${id}  done`)),
      `${id} ends done`,
    );
  assert.match(tty.out, /Image is up to date for sha256:[0-9a-f]{64}/);

  await daemon.client.image('RemoveImage', { image: { image } });
  const piped = await run(process.execPath, pullArgs(daemon, image));
  assert.equal(piped.code, 0, piped.out);
  const lines = piped.out.trimEnd().split('\n');
  assert.ok(!piped.out.includes(ESC) && !piped.out.includes('\r'), 'no terminal control in plain output');
  assert.match(lines.pop() ?? '', /^Image is up to date for sha256:[0-9a-f]{64}$/);
  for (const line of lines) assert.match(line, LINE);
  for (const id of shortLayers()) {
    const done = lines.filter((l) => l.startsWith(`${id}  done  `));
    assert.equal(done.length, 1, `one done line for ${id}:\n${piped.out}`);
    assert.match(done[0], /\/s$/, 'with its rate');
  }
});

test('PullProgress: found with per-layer bytes while a pull runs, not found after; an empty image is refused', async (t) => {
  const proxy = await startRegistryProxy({ upstream: suite.registry, tamper: 'slow-large-blob' });
  t.after(() => proxy.stop());
  const daemon = await startCorrald(t);
  const image = `${proxy.host}/corral-test/big:latest`;
  const pulling = daemon.client.image('PullImage', { image: { image }, auth: null });
  let seen: { found: boolean; layers: { digest: string; size: string; fetched: string }[] } | undefined;
  for (let i = 0; i < 200; i++) {
    seen = await daemon.client.progress('PullProgress', { image });
    if (seen.layers.some((l) => Number(l.fetched) > 0 && Number(l.fetched) < Number(l.size))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(seen?.found, true);
  assert.deepEqual(
    seen?.layers.map((l) => [l.digest, Number(l.size)]),
    bigLayers().map((l) => [l.digest, l.size]),
  );
  await pulling;
  assert.equal((await daemon.client.progress('PullProgress', { image })).found, false);
  assert.equal((await failure(daemon.client.progress('PullProgress', { image: '' }))).code, 'INVALID_ARGUMENT');
});
