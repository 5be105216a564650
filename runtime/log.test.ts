import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

/** Runs `body` in a fresh node process with `log` (this module) loaded; its stderr lines and stdout. */
function inFreshProcess(body: string): { entries: Array<Record<string, unknown>>; stdout: string } {
  const script = `const log = require(${JSON.stringify(path.join(__dirname, 'log.js'))});\n${body}`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, CORRAL_LOG_LEVEL: '' },
  });
  assert.equal(run.status, 0, run.stderr);
  const entries = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { entries, stdout: run.stdout };
}

const winstonLoaded = `Object.keys(require.cache).some((file) => file.includes('/node_modules/winston/'))`;

test('winston loads with the first entry at an enabled level; entries written meanwhile come out in order', () => {
  const { entries, stdout } = inFreshProcess(`
    const a = log.moduleLogger('a');
    const b = log.moduleLogger('b');
    a.debug('below the level');
    const before = ${winstonLoaded};
    a.info('first', { n: 1 });
    b.warn('second');
    a.error('third', { n: 3 });
    setImmediate(() => {
      b.info('after it loaded');
      process.stdout.write(JSON.stringify({ before, after: ${winstonLoaded} }));
    });
  `);
  assert.deepEqual(JSON.parse(stdout), { before: false, after: true });
  assert.deepEqual(
    entries.map(({ level, message, module, n }) => ({ level, message, module, n })),
    [
      { level: 'info', message: 'first', module: 'a', n: 1 },
      { level: 'warn', message: 'second', module: 'b', n: undefined },
      { level: 'error', message: 'third', module: 'a', n: 3 },
      { level: 'info', message: 'after it loaded', module: 'b', n: undefined },
    ],
  );
  assert.ok(entries.every((entry) => typeof entry.timestamp === 'string'));
});

test('the level set before and after winston loads decides what is written', () => {
  const { entries, stdout } = inFreshProcess(`
    const a = log.moduleLogger('a');
    log.setLogLevel('warn');
    a.info('dropped');
    const before = ${winstonLoaded};
    const debugBefore = a.isDebugEnabled();
    log.setLogLevel('debug');
    a.debug('kept');
    setImmediate(() => {
      log.setLogLevel('error');
      a.warn('dropped too');
      a.error('kept too');
      process.stdout.write(JSON.stringify({ before, debugBefore, debugAfter: a.isDebugEnabled() }));
    });
  `);
  assert.deepEqual(JSON.parse(stdout), { before: false, debugBefore: false, debugAfter: false });
  assert.deepEqual(
    entries.map((entry) => entry.message),
    ['kept', 'kept too'],
  );
});
