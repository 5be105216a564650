// corrald as a process: socket mode, one daemon per roots, config errors, stale sockets, SIGTERM.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Corrald, corraldArgs, runCorraldToExit } from '../harness/corrald';

describe('corrald process', () => {
  it('serves on a 0660 socket and exits 0 on SIGTERM, removing the socket', async () => {
    const daemon = await Corrald.start();
    try {
      const stat = await fs.stat(daemon.dirs.socket);
      assert.ok(stat.isSocket());
      assert.equal(stat.mode & 0o777, 0o660);
      assert.equal(await daemon.stop(), 0);
      await assert.rejects(fs.stat(daemon.dirs.socket), { code: 'ENOENT' });
    } finally {
      await daemon.stop();
      await daemon.removeDirs();
    }
  });

  it('refuses a second corrald on the same roots', async () => {
    const first = await Corrald.start();
    try {
      const other = path.join(first.dirs.base, 'other.sock');
      const second = await runCorraldToExit(corraldArgs({ ...first.dirs, socket: other }).slice(1));
      assert.notEqual(second.code, 0);
      assert.match(second.output, /another corrald is running/);
      await first.client.runtime('Version', {});
    } finally {
      await first.stop();
      await first.removeDirs();
    }
  });

  it('replaces a stale socket left by a crash', async () => {
    const first = await Corrald.start();
    await first.kill9();
    await fs.stat(first.dirs.socket); // the crash left it behind
    const second = await Corrald.start({ dirs: first.dirs });
    try {
      assert.equal((await second.client.runtime('Version', {})).runtime_name, 'corral');
    } finally {
      await second.stop();
      await second.removeDirs();
    }
  });

  it('refuses a socket path another process is serving', async () => {
    const dirs = Corrald.makeDirs();
    await fs.mkdir(dirs.state, { recursive: true });
    const squatter = net.createServer().listen(dirs.socket);
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const result = await runCorraldToExit(corraldArgs(dirs).slice(1));
      assert.notEqual(result.code, 0);
      assert.match(result.output, /in use by another process/);
    } finally {
      squatter.close();
      await fs.rm(dirs.base, { recursive: true, force: true });
    }
  });

  /** Runs corrald with `toml` as its config file, to its exit. */
  async function runWithConfig(toml: string): Promise<{ code: number | null; output: string }> {
    const dirs = Corrald.makeDirs();
    await fs.mkdir(dirs.base, { recursive: true });
    const file = path.join(dirs.base, 'bad.toml');
    await fs.writeFile(file, toml);
    try {
      return await runCorraldToExit([...corraldArgs(dirs).slice(1), '--config', file]);
    } finally {
      await fs.rm(dirs.base, { recursive: true, force: true });
    }
  }

  it('stops with a message naming an unknown config key', async () => {
    const result = await runWithConfig('log_level = "debug"\nroot_dir = "/tmp/x"\n');
    assert.equal(result.code, 1);
    assert.match(result.output, /unknown key root_dir/);
  });

  it('stops with a message naming a key with a bad value', async () => {
    const result = await runWithConfig('log_level = "loud"\n');
    assert.equal(result.code, 1);
    assert.match(result.output, /log_level must be one of/);
  });

  it('lets flags override the config file', async () => {
    const dirs = Corrald.makeDirs();
    const daemon = await Corrald.start({
      dirs,
      configToml: `root = "/nonexistent-should-be-overridden"\nlog_level = "warn"\n`,
    });
    try {
      const config = JSON.parse((await daemon.client.runtime('Status', { verbose: true })).info.config) as {
        root: string;
        log_level: string;
      };
      assert.equal(config.root, dirs.root);
      assert.equal(config.log_level, 'warn');
    } finally {
      await daemon.stop();
      await daemon.removeDirs();
    }
  });

  it('rejects an unknown flag', async () => {
    const result = await runCorraldToExit(['--no-such-flag']);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /no-such-flag/);
  });
});
