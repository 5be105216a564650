import { describe, it } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyOverrides, defaultConfig, loadConfigFile, parseConfig } from './config';

describe('config', () => {
  it('has the documented defaults', () => {
    const config = defaultConfig();
    assert.equal(config.root, '/var/lib/corral');
    assert.equal(config.state, '/run/corral');
    assert.equal(config.listen, '/run/corral/corral.sock');
    assert.equal(config.log_level, 'info');
  });

  it('names an unknown key, a bad value and bad TOML', () => {
    assert.throws(() => parseConfig('colour = "red"', 'f.toml'), /f.toml: unknown key colour/);
    assert.throws(() => parseConfig('root = "relative/dir"', 'f.toml'), /root must be an absolute path/);
    assert.throws(() => parseConfig('root = 5', 'f.toml'), /root must be a string/);
    assert.throws(() => parseConfig('root = ', 'f.toml'), /not valid TOML/);
  });

  it('lets flags override file values, validating them', () => {
    const config = applyOverrides(parseConfig('log_level = "warn"', 'f.toml'), { log_level: 'debug', root: undefined });
    assert.equal(config.log_level, 'debug');
    assert.equal(config.root, '/var/lib/corral');
    assert.throws(() => applyOverrides(config, { root: 'rel' }), /--root must be an absolute path/);
  });

  it('reads a config file, one from a FIFO (a shell process substitution) too, and names a missing one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-config-'));
    try {
      const file = path.join(dir, 'corral.toml');
      writeFileSync(file, 'log_level = "warn"\n');
      assert.equal((await loadConfigFile(file)).log_level, 'warn');
      const fifo = path.join(dir, 'fifo.toml');
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', `printf 'log_level = "error"\\n' > ${fifo}`]);
      const exited = new Promise((resolve) => writer.once('exit', resolve));
      assert.equal((await loadConfigFile(fifo)).log_level, 'error');
      assert.equal(await exited, 0);
      await assert.rejects(loadConfigFile(path.join(dir, 'none.toml')), /cannot read config file .*none\.toml: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a config file larger than 1 MiB, and an endless one, with a clear error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'corral-config-'));
    try {
      const big = path.join(dir, 'big.toml');
      writeFileSync(big, `# ${'x'.repeat(2 * 1024 * 1024)}\nlog_level = "debug"\n`);
      await assert.rejects(loadConfigFile(big), /cannot read config file .*big\.toml: larger than 1048576 bytes/);
      await assert.rejects(loadConfigFile('/dev/zero'), /larger than 1048576 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
