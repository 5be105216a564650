// The README's example commands, word for word, against a test corrald: the lines after the
// "readme-examples" marker are run by sh from the checkout's root, with corralctl on PATH and
// CORRAL_ENDPOINT set, and a line's trailing "# text" is the output it must print. The example
// configs name docker.io/library/busybox:latest; the test registry serves it as docker.io's mirror.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Corrald } from '../harness/corrald';
import { cgroupParentDirs, daemonConfig, mountsUnder } from '../lifecycle/fixture';
import { buildTestImages, pushImage, startTestRegistry, type TestRegistry } from '../testimages';

const CHECKOUT = path.resolve(__dirname, '..', '..', '..');
const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
const MARKER = '<!-- readme-examples -->';

interface ExampleLine {
  command: string;
  expected?: string;
}

/** The indented block after the marker; "cmd   # out" splits into the command and its output. */
function readmeExamples(): ExampleLine[] {
  const readme = readFileSync(path.join(CHECKOUT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  assert.ok(at >= 0, `README.md has no ${MARKER} block`);
  const lines: ExampleLine[] = [];
  for (const line of readme
    .slice(at + MARKER.length)
    .split('\n')
    .slice(1)) {
    if (!line.startsWith('    ')) break;
    const [command, expected] = line.trim().split(/\s+#\s+/, 2);
    lines.push({ command, expected });
  }
  return lines;
}

let registry: TestRegistry;
let daemon: Corrald;
let binDir: string;
const cgroupParent = `/corral-e2e-readme-${process.pid}`;
const podLogDir = (
  JSON.parse(readFileSync(path.join(CHECKOUT, 'deploy/examples/pod.json'), 'utf8')) as { log_directory: string }
).log_directory;
const podLogDirExisted = existsSync(podLogDir);

before(async () => {
  registry = await startTestRegistry();
  await pushImage(registry, (await buildTestImages()).busybox, 'library/busybox', 'latest');
  const mirror = `[registry.mirrors."docker.io"]\nendpoints = ["${registry.url}"]\n`;
  daemon = await Corrald.start({ configToml: daemonConfig(cgroupParent) + mirror });
  binDir = path.join(daemon.dirs.base, 'bin');
  await fs.mkdir(binDir);
  await fs.writeFile(path.join(binDir, 'corralctl'), `#!/bin/sh\nexec '${process.execPath}' '${CORRALCTL}' "$@"\n`, {
    mode: 0o755,
  });
});

after(async () => {
  const { items } = await daemon.client.runtime('ListPodSandbox', {});
  for (const pod of items) await daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  await daemon.stop();
  await daemon.removeDirs();
  await registry.stop();
  for (const dir of await cgroupParentDirs(cgroupParent)) await fs.rmdir(dir);
  if (!podLogDirExisted) await fs.rm(podLogDir, { recursive: true, force: true });
});

function sh(command: string): { out: string; err: string; code: number | null } {
  const r = spawnSync('sh', ['-c', command], {
    cwd: CHECKOUT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, CORRAL_ENDPOINT: `unix://${daemon.dirs.socket}` },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

test("the README's example commands work as written, and leave nothing behind", async () => {
  const lines = readmeExamples();
  assert.ok(lines.length >= 6, 'the examples block runs the whole cycle');
  assert.match(lines.map((l) => l.command).join('\n'), /runp deploy\/examples\/pod\.json/);
  for (const { command, expected } of lines) {
    let r = sh(command);
    // Logs come a moment after start: a line with an expected output may be retried briefly.
    for (let i = 0; i < 50 && expected !== undefined && r.out.trim() !== expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      r = sh(command);
    }
    assert.equal(r.code, 0, `${command}: ${r.err}`);
    if (expected !== undefined) assert.equal(r.out.trim(), expected, command);
  }
  assert.deepEqual((await daemon.client.runtime('ListContainers', {})).containers, []);
  assert.deepEqual((await daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(mountsUnder(daemon.dirs.base), []);
});
