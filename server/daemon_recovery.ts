// What corrald builds once its socket is served: the image store, pod networking and the node's
// settings, then pods and containers reconciled with their monitors, stats, streaming and pod
// metrics. daemon.ts loads this module only then: it imports the whole runtime, whose modules
// would otherwise run before the socket answers Version.
import { moduleLogger } from '../runtime/log';
import { NodeRuntimeSettings } from '../runtime/node_settings';
import { podNetworkFromConfig } from '../runtime/network/from_config';
import { openLifecycle, type Lifecycle, type LifecycleDrivers } from '../runtime/lifecycle';
import { PodMetricsCache } from '../runtime/metrics/pod_metrics_cache';
import { PodMetricsCollector } from '../runtime/metrics/pod_metrics_collector';
import { defaultPidsLimit } from '../runtime/cgroups/from_config';
import { loadHost } from '../runtime/cgroups/host';
import { StatsService } from '../runtime/stats/stats_service';
import { ImageService } from '../runtime/image/image_service';
import { LifecycleStreamingBackend } from '../runtime/streaming/lifecycle_backend';
import type { CorralConfig } from './config/config';
import { encodeMetricsSnapshot } from './metrics_snapshot';
import { lifecycleDrivers } from './lifecycle_drivers';
import { imageServiceOptions } from './image_options';
import { StreamingService } from './streaming/service';
import { connectionCap } from './streaming/connection_limit';

const log = moduleLogger('daemon');

/** What recovery adds to the context; `network` is closed by the caller when the daemon stops. */
export async function recoverState(config: CorralConfig, openFiles: number) {
  const images = new ImageService(imageServiceOptions(config));
  // The cgroup manager's look at the host's mounts (lifecycleDrivers), read meanwhile in the pool.
  const hostCgroups = loadHost();
  hostCgroups.catch(() => undefined); // awaited below, after the steps before it
  const nodeSettings = await NodeRuntimeSettings.load(config.root);
  const network = await podNetworkFromConfig(config, () => nodeSettings.podCidr);
  try {
    await images.load();
    await hostCgroups;
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
    return { nodeSettings, network, images, lifecycle, stats, streaming, podMetrics };
  } catch (err) {
    network.close();
    throw err;
  }
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
