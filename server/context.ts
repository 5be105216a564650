// Everything an RPC handler may use. Built once at start by server/daemon.ts.
import type { CorralConfig } from './config/config';
import type { NodeRuntimeSettings } from '../runtime/node_settings';
import type { ImageService } from '../runtime/image/image_service';
import type { CniPodNetwork } from '../runtime/network/pod_network';
import type { Lifecycle } from '../runtime/lifecycle';
import type { StatsService } from '../runtime/stats/stats_service';
import type { StreamingService } from './streaming/service';
import type { PodMetricsCache } from '../runtime/metrics/pod_metrics_cache';
import type { DaemonMetrics } from './metrics/daemon_metrics';
import type { MetricsSnapshot } from './metrics_snapshot';

export interface ServerContext {
  readonly config: CorralConfig;
  readonly version: string;
  /** Settings kubelet changes at run time through UpdateRuntimeConfig. */
  readonly nodeSettings: NodeRuntimeSettings;
  /** Images, layers and container rootfs snapshots (lookup and snapshotter for lifecycle code). */
  readonly images: ImageService;
  /** Pod networking through CNI (readiness, pod IPs). */
  readonly network: CniPodNetwork;
  /** Pod sandboxes and containers: their services and event bus. */
  readonly lifecycle: Lifecycle;
  /** Container and pod stats samples (cgroup counters, writable layer, pod network). */
  readonly stats: StatsService;
  /** Pod and container metrics for ListPodSandboxMetrics, from the latest collection. */
  readonly podMetrics: PodMetricsCache<MetricsSnapshot>;
  /** corrald's own Prometheus metrics, when [metrics] address is set. */
  readonly daemonMetrics?: DaemonMetrics;
  /** Exec/Attach/PortForward URLs and the server behind them (absent in contexts built for unit tests). */
  readonly streaming?: StreamingService;
}
