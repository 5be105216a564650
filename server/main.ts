#!/usr/bin/env node
// corrald entry point: parse flags and the config, then load and run the daemon's code (see
// daemon_code.ts). Only the flag and config modules load before that.
import './heap_settings';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadDaemonCode } from './daemon_code';
import { effectiveConfig } from './effective_config';
import { parseDaemonFlags, USAGE } from './flags';

/** Long enough after ready that start-up's functions are compiled, soon enough for short runs. */
const CODE_CACHE_DELAY_MS = 1000;

function packageVersion(): string {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function main(): Promise<number> {
  const flags = parseDaemonFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`corrald ${packageVersion()}\n`);
    return 0;
  }
  const config = await effectiveConfig(flags);
  const code = await loadDaemonCode(config.root);
  return code.runDaemon(config, packageVersion(), () => {
    setTimeout(() => code.saveCodeCache(), CODE_CACHE_DELAY_MS).unref();
  });
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`corrald: ${err.message}\n`);
    process.exit(1);
  },
);
