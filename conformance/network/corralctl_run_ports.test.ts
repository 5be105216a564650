// corralctl run -p on a CNI network (bridge + portmap, as deploy/cni ships): a server in the
// test image answers on the host port, with and without a host IP; --rm removes the mapping.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { eventually } from '../lifecycle/fixture';
import { httpGet, startNetworkWorld, stopNetworkWorld, type NetworkWorld } from './world';
import { freePort } from '../testing/free_port';

const CORRALCTL = path.resolve(__dirname, '..', '..', 'cli', 'main.js');
const HTTPD = [
  'sh',
  '-c',
  'mkdir -p /www && echo "hello from $HOSTNAME" > /www/index.html && exec httpd -f -p 8080 -h /www',
];

let world: NetworkWorld;

before(async () => {
  world = await startNetworkWorld('ctlrun');
});
after(async () => {
  await stopNetworkWorld(world);
});

function ctlArgs(...args: string[]): string[] {
  return [CORRALCTL, '--endpoint', `unix://${world.daemon.dirs.socket}`, ...args];
}

function ok(...args: string[]): string {
  const r = spawnSync(process.execPath, ctlArgs(...args), { encoding: 'utf8' });
  assert.equal(r.status, 0, `corralctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function answers(port: number): Promise<string> {
  let body = '';
  await eventually(`127.0.0.1:${port} answers`, async () => {
    body = await httpGet('127.0.0.1', port).catch(() => '');
    return body !== '';
  });
  return body;
}

test('-p IP:HOST:CTR and -p HOST:CTR reach a server in the container from the host', async () => {
  for (const [name, spec] of [
    ['web', (port: number) => `127.0.0.1:${port}:8080`],
    ['anyip', (port: number) => `${port}:8080`],
  ] as const) {
    const port = await freePort();
    ok('run', '-d', '--name', name, '-p', spec(port), world.images.busybox, ...HTTPD);
    assert.equal(await answers(port), `hello from ${name}\n`);
    ok('rmp', '-f', name);
    await assert.rejects(httpGet('127.0.0.1', port), `${spec(port)}: the mapping goes with the pod`);
  }
  assert.deepEqual(await world.fx.natRulesOfThisTest(), []);
});

test('run --rm -p: the mapping answers while it runs and is gone when it ends', async () => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ctlArgs('run', '--rm', '-p', `127.0.0.1:${port}:8080`, world.images.busybox, ...HTTPD),
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  assert.match(await answers(port), /^hello from run-[0-9a-f]{8}\n$/);
  child.kill('SIGTERM');
  assert.equal(await exited, 143, 'httpd as pid 1 dies of the stop signal');
  await assert.rejects(httpGet('127.0.0.1', port));
  assert.deepEqual((await world.daemon.client.runtime('ListPodSandbox', {})).items, []);
  assert.deepEqual(await world.fx.natRulesOfThisTest(), []);
});
