// corrald's life: configure, lock the roots, recover state, serve, and stop gracefully.
import { promises as fs, chmodSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { moduleLogger, setLogLevel } from '../runtime/log';
import type { CorralConfig } from './config/config';
import { InvalidArgumentError } from '../runtime/errors';
import type { DaemonMetrics } from './metrics/daemon_metrics';
import type { MetricsEndpoint } from './metrics/metrics_endpoint';
import { DaemonLock } from './daemon_lock';
import { buildServer, prepareFirstCall } from './grpc_server';
import { OpenStreams } from './rpc_wrapper';
import { prepareSocketPath } from './socket_path';
import type { ServerContext } from './context';
import { raiseOpenFileLimit } from '../runtime/open_file_limit';
import { MemoryTrimmer } from '../runtime/memory_trim';
import { preparePrivateRoots } from '../runtime/store/private_dir';

const log = moduleLogger('daemon');

/** In-flight RPCs get this long to finish after SIGTERM before the server is closed hard. */
const SHUTDOWN_GRACE_MS = 30_000;

export interface RunningDaemon {
  stop(): Promise<void>;
}

export async function startDaemon(config: CorralConfig, version: string): Promise<RunningDaemon> {
  setLogLevel(config.log_level);
  const openFiles = raiseOpenFileLimit();
  preparePrivateRoots(config.root, config.state);
  const lock = DaemonLock.acquire([config.root, config.state]);
  let exporter: { metrics: DaemonMetrics; endpoint: MetricsEndpoint } | undefined;
  try {
    // The exporter reads the context when scraped; it exists only once recovery is done.
    const built: { ctx?: ServerContext } = {};
    exporter = config.metrics.address ? await startExporter(config.metrics.address, () => built.ctx) : undefined;
    const ctx: Partial<Mutable<ServerContext>> = { config, version };
    ctx.daemonMetrics = exporter?.metrics;
    // The socket is served while the images, pods and containers are recovered: every RPC but
    // Version waits for that (grpc_server.ts), and runs with the context it completes. The code
    // that recovers loads only then (daemon_recovery.ts).
    let socketReady = () => {};
    const recovery = new Promise<void>((resolve) => (socketReady = resolve))
      .then(loadRecovery)
      .then(({ recoverState }) => recoverState(config, openFiles.soft))
      .then((state) => {
        built.ctx = Object.assign(ctx, state) as ServerContext;
        return state;
      });
    recovery.catch(() => undefined); // awaited below; RPCs waiting on it fail with the server
    const streams = new OpenStreams();
    const server = buildServer(ctx as ServerContext, moduleLogger('rpc'), streams, recovery);
    await prepareSocketPath(config.listen);
    await bind(server, config.listen);
    chmodSync(config.listen, 0o660);
    setImmediate(prepareFirstCall); // before recovery's first part, which waits a turn too
    socketReady();
    const { lifecycle, streaming, network } = await recovery.catch(async (err: unknown) => {
      server.forceShutdown();
      await fs.rm(config.listen, { force: true });
      throw err;
    });
    // Logged only now: the first entry loads winston (runtime/log.ts), which the socket does not need.
    log.info('open-file limit', { soft: openFiles.soft, hard: openFiles.hard });
    log.info('corrald ready', { listen: config.listen, root: config.root, state: config.state, version });
    const trimmer = new MemoryTrimmer();
    trimmer.start();
    const exporting = exporter;
    return {
      stop: () =>
        streaming
          .stop()
          .then(() => stopExporter(exporting))
          .then(() => stopGracefully(server, streams, config.listen, lock))
          .finally(() => {
            trimmer.stop();
            network.close();
            lifecycle.close();
          }),
    };
  } catch (err) {
    await stopExporter(exporter);
    lock.release();
    throw err;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Loads daemon_recovery.ts and the runtime it imports a part at a time (each a few ms of module
 * bodies), letting the event loop in between: a Version call that arrives meanwhile waits for one
 * part, not for all of them.
 */
async function loadRecovery(): Promise<typeof import('./daemon_recovery')> {
  // Leaves first, so that no part runs more than ~4 ms of module bodies (lifecycle_drivers with
  // all it imports was ~7 ms, the longest wait a Version call could meet behind one part).
  const parts = [
    () => import('../runtime/lifecycle'),
    () => import('../runtime/process/process_runtime'),
    () => import('../runtime/process/sandbox_runtime'),
    () => import('./lifecycle_drivers'),
    () => import('./streaming/service'),
    () => import('../runtime/image/image_service'),
    () => import('../runtime/streaming/lifecycle_backend'),
  ];
  for (const part of parts) {
    await nextTurn();
    await part();
  }
  await nextTurn();
  return import('./daemon_recovery');
}

/** Loads prom-client only now: with metrics off, corrald never pays for it. */
async function startExporter(address: string, ctx: () => ServerContext | undefined) {
  const { DaemonMetrics } = await import('./metrics/daemon_metrics');
  const { MetricsEndpoint } = await import('./metrics/metrics_endpoint');
  const metrics = new DaemonMetrics(ctx);
  try {
    return { metrics, endpoint: await MetricsEndpoint.start(address, metrics) };
  } catch (err) {
    metrics.close();
    throw new InvalidArgumentError(`metrics address ${address}: ${(err as Error).message}`);
  }
}

async function stopExporter(
  exporter: { metrics: DaemonMetrics; endpoint: MetricsEndpoint } | undefined,
): Promise<void> {
  if (!exporter) return;
  exporter.metrics.close();
  await exporter.endpoint.stop();
}

function bind(server: grpc.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    );
  });
}

/** Stops accepting, lets in-flight RPCs finish, removes the socket. Containers keep running. */
async function stopGracefully(
  server: grpc.Server,
  streams: OpenStreams,
  socket: string,
  lock: DaemonLock,
): Promise<void> {
  streams.abortAll();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  await fs.rm(socket, { force: true });
  lock.release();
  log.info('corrald stopped');
}
