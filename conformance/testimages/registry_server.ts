// Debian's docker-registry on 127.0.0.1 at a free port with its own temporary storage, for one
// test run; optionally behind htpasswd basic auth. Stopped by pid.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync, closeSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../testing/free_port';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface TestRegistry {
  host: string; // "127.0.0.1:PORT"
  url: string; // "http://127.0.0.1:PORT"
  credentials?: RegistryCredentials; // set for the basic-auth variant
  stop(): Promise<void>;
}

export interface TestRegistryOptions {
  /** Require basic auth with these credentials (bcrypt htpasswd, as docker-registry wants). */
  auth?: RegistryCredentials;
}

const REGISTRY_BIN = '/usr/bin/docker-registry';

export async function startTestRegistry(opts: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-registry-'));
  try {
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const child = launch(dir, port, opts.auth);
      const up = await waitUntilServing(child, `http://127.0.0.1:${port}`);
      if (up) return running(child, dir, port, opts.auth);
      if (attempt >= 3) throw new Error(`docker-registry did not start: ${readLog(dir)}`);
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function launch(dir: string, port: number, auth?: RegistryCredentials): ChildProcess {
  const config = [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: 127.0.0.1:${port}}`,
  ];
  if (auth) {
    const htpasswd = execFileSync('htpasswd', ['-Bbn', auth.username, auth.password], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'htpasswd'), htpasswd);
    config.push(`auth: {htpasswd: {realm: corral-test, path: ${path.join(dir, 'htpasswd')}}}`);
  }
  writeFileSync(path.join(dir, 'config.yml'), config.join('\n') + '\n');
  const logFd = openSync(path.join(dir, 'registry.log'), 'a');
  const child = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  return child;
}

function running(child: ChildProcess, dir: string, port: number, auth?: RegistryCredentials): TestRegistry {
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    credentials: auth,
    async stop() {
      await terminate(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(child: ChildProcess, url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await terminate(child);
  return false;
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'registry.log'), 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}
