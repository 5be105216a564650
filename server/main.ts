#!/usr/bin/env node
// corrald entry point: parse flags, start the daemon, stop it on SIGTERM/SIGINT.
import './heap_settings';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { moduleLogger } from '../runtime/log';
import { notifyServiceManager } from '../runtime/service_manager';
import { effectiveConfig, startDaemon } from './daemon';
import { parseDaemonFlags, USAGE } from './flags';

const log = moduleLogger('main');

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
  const daemon = await startDaemon(config, packageVersion());
  notifyServiceManager('READY=1');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info('stopping', { signal });
      notifyServiceManager('STOPPING=1');
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await daemon.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`corrald: ${err.message}\n`);
    process.exit(1);
  },
);
