// corrald's own Prometheus metrics (prom-client): the process (memory, CPU, fds, event-loop lag,
// heap), every RPC by method and code with its latency, pods and containers by state, image
// pulls, OOM kills, live monitors, streaming sessions and CNI timings. Loaded only when
// [metrics] address is set.
import * as prom from 'prom-client';
import { telemetry } from '../../runtime/telemetry';
import type { Lifecycle } from '../../runtime/lifecycle';

/** What the state gauges read from the running daemon (its ServerContext; named here, not imported, so context.ts and this file form no cycle). */
export interface GaugeSources {
  readonly lifecycle: Lifecycle;
  readonly streaming?: { readonly sessionCount: number };
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PULL_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export class DaemonMetrics {
  readonly registry = new prom.Registry();
  private readonly rpcRequests: prom.Counter;
  private readonly rpcLatency: prom.Histogram;
  private readonly pulls: prom.Counter;
  private readonly pullBytes: prom.Counter;
  private readonly pullLatency: prom.Histogram;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(ctx: () => GaugeSources | undefined) {
    const registers = [this.registry];
    prom.collectDefaultMetrics({ register: this.registry });
    this.rpcRequests = new prom.Counter({
      name: 'corral_rpc_requests_total',
      help: 'CRI requests served, by method and gRPC status code.',
      labelNames: ['method', 'code'],
      registers,
    });
    this.rpcLatency = new prom.Histogram({
      name: 'corral_rpc_duration_seconds',
      help: 'Time to serve a CRI request (a stream: until it ends), by method.',
      labelNames: ['method'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.pulls = new prom.Counter({
      name: 'corral_image_pulls_total',
      help: 'Image pulls, by result (success or failure).',
      labelNames: ['result'],
      registers,
    });
    this.pullBytes = new prom.Counter({
      name: 'corral_image_pull_bytes_total',
      help: 'Bytes downloaded from registries by image pulls.',
      registers,
    });
    this.pullLatency = new prom.Histogram({
      name: 'corral_image_pull_duration_seconds',
      help: 'Time an image pull took, by result.',
      labelNames: ['result'],
      buckets: PULL_BUCKETS,
      registers,
    });
    const oomKills = new prom.Counter({
      name: 'corral_oom_kills_total',
      help: 'Container exits attributed to the OOM killer.',
      registers,
    });
    const cni = new prom.Histogram({
      name: 'corral_cni_duration_seconds',
      help: "Time of a pod's CNI ADD or DEL (every plugin of every network), by operation and result.",
      labelNames: ['operation', 'result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.unsubscribe.push(
      telemetry.on('oomKill', () => oomKills.inc()),
      telemetry.on('cni', (e) =>
        cni.observe({ operation: e.operation, result: e.ok ? 'success' : 'failure' }, e.seconds),
      ),
    );
    this.registerStateGauges(ctx, registers);
  }

  /** Called by the one RPC wrapper for every request. */
  observeRpc(method: string, code: string, seconds: number): void {
    this.rpcRequests.inc({ method, code });
    this.rpcLatency.observe({ method }, seconds);
  }

  observePull(ok: boolean, seconds: number): void {
    const result = ok ? 'success' : 'failure';
    this.pulls.inc({ result });
    this.pullLatency.observe({ result }, seconds);
  }

  addPullBytes(bytes: number): void {
    this.pullBytes.inc(bytes);
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Gauges read when scraped, from the in-memory stores (no disk or cgroup work). */
  private registerStateGauges(ctx: () => GaugeSources | undefined, registers: prom.Registry[]): void {
    new prom.Gauge({
      name: 'corral_pods',
      help: 'Pod sandboxes, by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const pods = ctx()?.lifecycle.sandboxes.list() ?? [];
        for (const state of ['ready', 'notready'])
          this.set({ state }, pods.filter((p) => p.status.state === state).length);
      },
    });
    new prom.Gauge({
      name: 'corral_containers',
      help: 'Containers, by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const all = ctx()?.lifecycle.containers.list() ?? [];
        for (const state of ['created', 'running', 'exited'])
          this.set({ state }, all.filter((c) => c.status.state === state).length);
      },
    });
    new prom.Gauge({
      name: 'corral_monitors',
      help: 'Container monitors alive (one per created or running container).',
      registers,
      collect() {
        this.set((ctx()?.lifecycle.containers.list() ?? []).filter((c) => c.status.state !== 'exited').length);
      },
    });
    new prom.Gauge({
      name: 'corral_streaming_sessions',
      help: 'Exec, attach and port-forward sessions open.',
      registers,
      collect() {
        this.set(ctx()?.streaming?.sessionCount ?? 0);
      },
    });
  }
}
