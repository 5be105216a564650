// Watches a running corrald while a test attacks it: peak RSS, open fds, and how long a cheap
// CRI call (ListContainers, what `crictl ps` sends) takes, sampled every few milliseconds.
import { readFileSync, readdirSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadCriServices } from '../../../proto/load';

export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export interface WatchReport {
  baseRss: number;
  peakRss: number;
  peakFds: number;
  /** Slowest ListContainers answer, and every call that failed. */
  slowestMs: number;
  calls: number;
  failures: string[];
}

/** One ListContainers on a fresh connection, as `crictl ps` makes (a shared channel would hide
 *  a daemon that cannot accept). Rejects after 5 s. */
function listOnNewConnection(socket: string): Promise<void> {
  const services = loadCriServices();
  const client = new services.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });
  return new Promise<void>((resolve, reject) => {
    const deadline = new Date(Date.now() + 5_000);
    (client as unknown as Record<string, (...a: unknown[]) => void>).ListContainers(
      {},
      { deadline },
      (err: Error | null) => (err ? reject(err) : resolve()),
    );
  }).finally(() => client.close());
}

/** Samples `pid` and probes its socket until `stop` is called; resolves to what it saw. */
export function watchDaemon(pid: number, socket: string, intervalMs = 100): { stop(): Promise<WatchReport> } {
  const report: WatchReport = {
    baseRss: rssBytes(pid),
    peakRss: 0,
    peakFds: 0,
    slowestMs: 0,
    calls: 0,
    failures: [],
  };
  let running = true;
  const sampler = setInterval(() => {
    report.peakRss = Math.max(report.peakRss, rssBytes(pid));
    report.peakFds = Math.max(report.peakFds, fdCount(pid));
  }, 20);
  const probe = async () => {
    while (running) {
      const started = Date.now();
      try {
        await listOnNewConnection(socket);
      } catch (err) {
        report.failures.push((err as Error).message);
      }
      report.calls++;
      report.slowestMs = Math.max(report.slowestMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  const probing = probe();
  return {
    async stop() {
      running = false;
      await probing;
      clearInterval(sampler);
      report.peakRss = Math.max(report.peakRss, rssBytes(pid));
      return report;
    },
  };
}

export const MiB = 1024 * 1024;
