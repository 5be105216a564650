// corrald's life: configure, lock the roots, recover state, serve, and stop gracefully.
import { promises as fs } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { moduleLogger, setLogLevel } from '../runtime/log';
import { NodeRuntimeSettings } from '../runtime/node_settings';
import { podNetworkFromConfig } from '../runtime/network/from_config';
import type { CniPodNetwork } from '../runtime/network/pod_network';
import { openLifecycle, type Lifecycle, type LifecycleDrivers } from '../runtime/lifecycle';
import type { CorralConfig } from './config/config';
import { InvalidArgumentError } from '../runtime/errors';
import { PodMetricsCache } from '../runtime/metrics/pod_metrics_cache';
import { PodMetricsCollector } from '../runtime/metrics/pod_metrics_collector';
import { encodeMetricsSnapshot } from './metrics_snapshot';
import type { DaemonMetrics } from './metrics/daemon_metrics';
import type { MetricsEndpoint } from './metrics/metrics_endpoint';
import { DaemonLock } from './daemon_lock';
import { buildServer } from './grpc_server';
import { OpenStreams } from './rpc_wrapper';
import { prepareSocketPath } from './socket_path';
import { defaultPidsLimit } from '../runtime/cgroups/from_config';
import { StatsService } from '../runtime/stats/stats_service';
import { lifecycleDrivers } from './lifecycle_drivers';
import type { ServerContext } from './context';
import { ImageService } from '../runtime/image/image_service';
import { imageServiceOptions } from './image_options';
import { StreamingService } from './streaming/service';
import { connectionCap } from './streaming/connection_limit';
import { raiseOpenFileLimit } from '../runtime/open_file_limit';
import { MemoryTrimmer } from '../runtime/memory_trim';
import { preparePrivateRoots } from '../runtime/store/private_dir';
import { LifecycleStreamingBackend } from '../runtime/streaming/lifecycle_backend';

const log = moduleLogger('daemon');

/** In-flight RPCs get this long to finish after SIGTERM before the server is closed hard. */
const SHUTDOWN_GRACE_MS = 30_000;

export interface RunningDaemon {
  stop(): Promise<void>;
}

export async function startDaemon(config: CorralConfig, version: string): Promise<RunningDaemon> {
  setLogLevel(config.log_level);
  const openFiles = raiseOpenFileLimit();
  log.info('open-file limit', { soft: openFiles.soft, hard: openFiles.hard });
  await preparePrivateRoots(config.root, config.state);
  const lock = DaemonLock.acquire([config.root, config.state]);
  let exporter: { metrics: DaemonMetrics; endpoint: MetricsEndpoint } | undefined;
  try {
    const images = new ImageService(imageServiceOptions(config));
    const nodeSettings = await NodeRuntimeSettings.load(config.root);
    const network = await podNetworkFromConfig(config, () => nodeSettings.podCidr);
    // The exporter reads the context when scraped; it exists only once recovery is done.
    const built: { ctx?: ServerContext } = {};
    exporter = config.metrics.address ? await startExporter(config.metrics.address, () => built.ctx) : undefined;
    const ctx: Partial<Mutable<ServerContext>> = { config, version, nodeSettings, network, images };
    ctx.daemonMetrics = exporter?.metrics;
    // The socket is served while the images, pods and containers are recovered: every RPC but
    // Version waits for that (grpc_server.ts), and runs with the context it completes.
    let socketReady = () => {};
    const recovery = new Promise<void>((resolve) => (socketReady = resolve))
      .then(() => recoverState(config, images, network, openFiles.soft))
      .then((state) => {
        built.ctx = Object.assign(ctx, state) as ServerContext;
        return state;
      });
    recovery.catch(() => undefined); // awaited below; RPCs waiting on it fail with the server
    const streams = new OpenStreams();
    const server = buildServer(ctx as ServerContext, moduleLogger('rpc'), streams, recovery);
    await prepareSocketPath(config.listen);
    await bind(server, config.listen);
    await fs.chmod(config.listen, 0o660);
    socketReady();
    const { lifecycle, streaming } = await recovery.catch(async (err: unknown) => {
      server.forceShutdown();
      await fs.rm(config.listen, { force: true });
      throw err;
    });
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

/** What recovery adds to the context: the image store loaded, pods and containers reconciled. */
async function recoverState(config: CorralConfig, images: ImageService, network: CniPodNetwork, openFiles: number) {
  await images.load();
  const lifecycle = await openPodsAndContainers(config, lifecycleDrivers(config, images, network));
  const podIds = new Set(lifecycle.sandboxes.list().map((record) => record.id));
  await network.releaseOrphans((id) => podIds.has(id));
  const stats = new StatsService(lifecycle.containers);
  const streaming = await StreamingService.start(
    {
      address: config.streaming.address,
      port: config.streaming.port,
      idleTimeoutMs: config.streaming.idle_timeout_seconds * 1000,
      maxConnections: connectionCap(config.streaming.max_connections, openFiles),
      requestTimeoutMs: config.streaming.request_timeout_seconds * 1000,
      writeStallTimeoutMs: config.streaming.write_stall_timeout_seconds * 1000,
    },
    new LifecycleStreamingBackend(lifecycle),
  );
  const podMetrics = new PodMetricsCache(
    new PodMetricsCollector(lifecycle.containers),
    config.metrics.collection_period_seconds * 1000,
    encodeMetricsSnapshot,
  );
  return { lifecycle, stats, streaming, podMetrics };
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

/** Rebuilds the pod and container stores and reconciles them with the live monitors. */
async function openPodsAndContainers(config: CorralConfig, drivers: LifecycleDrivers): Promise<Lifecycle> {
  const lifecycle = await openLifecycle(drivers, {
    root: config.root,
    state: config.state,
    rootfsMode: config.rootfs_mode,
    defaultCgroupParent: config.default_cgroup_parent,
    defaultPidsLimit: defaultPidsLimit(config),
  });
  const { sandboxesLost, containers, orphansRemoved } = lifecycle.recovered;
  log.info('pods and containers recovered', {
    pods: lifecycle.sandboxes.list().length,
    podsLost: sandboxesLost.length,
    containersLive: containers.live.length,
    containersExitedMeanwhile: containers.exited.length,
    containersLost: containers.lost.length,
    orphansRemoved: orphansRemoved.length,
  });
  return lifecycle;
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
