// corrald's life: configure, lock the roots, recover state, serve, and stop gracefully.
import { promises as fs } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { moduleLogger, setLogLevel, type LogLevel } from '../runtime/log';
import { NodeRuntimeSettings } from '../runtime/node_settings';
import { applyOverrides, defaultConfig, loadConfigFile, type CorralConfig } from './config/config';
import { DaemonLock } from './daemon_lock';
import type { DaemonFlags } from './flags';
import { buildServer } from './grpc_server';
import { OpenStreams } from './rpc_wrapper';
import { prepareSocketPath } from './socket_path';
import type { ServerContext } from './context';
import { StreamingService } from './streaming/service';
import { AbsentBackend } from '../runtime/streaming/absent_backend';

const log = moduleLogger('daemon');

/** In-flight RPCs get this long to finish after SIGTERM before the server is closed hard. */
const SHUTDOWN_GRACE_MS = 30_000;

export async function effectiveConfig(flags: DaemonFlags): Promise<CorralConfig> {
  const base = flags.configFile ? await loadConfigFile(flags.configFile) : defaultConfig();
  return applyOverrides(base, flags.overrides);
}

export interface RunningDaemon {
  stop(): Promise<void>;
}

export async function startDaemon(config: CorralConfig, version: string): Promise<RunningDaemon> {
  setLogLevel(config.log_level as LogLevel);
  await fs.mkdir(config.root, { recursive: true, mode: 0o711 });
  await fs.mkdir(config.state, { recursive: true, mode: 0o711 });
  const lock = DaemonLock.acquire([config.root, config.state]);
  let streaming: StreamingService | undefined;
  try {
    streaming = await StreamingService.start({
      address: config.streaming.address, port: config.streaming.port,
      idleTimeoutMs: config.streaming.idle_timeout_seconds * 1000,
    }, new AbsentBackend());
    const ctx: ServerContext = { config, version, nodeSettings: await NodeRuntimeSettings.load(config.root), streaming };
    const streams = new OpenStreams();
    const server = buildServer(ctx, moduleLogger('rpc'), streams);
    await prepareSocketPath(config.listen);
    await bind(server, config.listen);
    await fs.chmod(config.listen, 0o660);
    log.info('corrald ready', { listen: config.listen, root: config.root, state: config.state, version });
    const started = streaming;
    return { stop: async () => { await started.stop(); await stopGracefully(server, streams, config.listen, lock); } };
  } catch (err) {
    await streaming?.stop();
    lock.release();
    throw err;
  }
}

function bind(server: grpc.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });
}

/** Stops accepting, lets in-flight RPCs finish, removes the socket. Containers keep running. */
async function stopGracefully(server: grpc.Server, streams: OpenStreams, socket: string, lock: DaemonLock): Promise<void> {
  streams.abortAll();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => { clearTimeout(timer); resolve(); });
  });
  await fs.rm(socket, { force: true });
  lock.release();
  log.info('corrald stopped');
}
