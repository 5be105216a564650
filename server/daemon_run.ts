// The daemon's code from the configuration on: start it, tell the service manager, stop it on
// SIGTERM/SIGINT. The build bundles this module and everything it imports into one file
// (tools/bundle_corrald.js) that server/main.ts loads with V8's code cache.
import { moduleLogger } from '../runtime/log';
import { notifyServiceManager } from '../runtime/service_manager';
import type { CorralConfig } from './config/config';
import { startDaemon } from './daemon';

export async function runDaemon(config: CorralConfig, version: string, onReady: () => void): Promise<number> {
  const log = moduleLogger('main');
  // Listened for from the start: the socket answers Version while recovery runs, so a stop can
  // come before startDaemon returns; it then takes effect once the daemon is up.
  const stopRequested = new Promise<void>((resolve) => {
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
  const daemon = await startDaemon(config, version);
  notifyServiceManager('READY=1');
  onReady();
  await stopRequested;
  await daemon.stop();
  return 0;
}
