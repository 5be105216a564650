// What runtime code reports for corrald's own metrics (CNI timings, OOM kills). Runtime code
// reports whether or not anyone listens; the server's Prometheus exporter subscribes when
// metrics are on. No dependency here, so nothing is loaded for it when they are off.
export interface TelemetryEvents {
  /** One CNI ADD or DEL of a pod's whole network (every plugin of every attachment). */
  cni: { operation: 'ADD' | 'DEL'; seconds: number; ok: boolean };
  /** A container's exit was attributed to the OOM killer. */
  oomKill: { containerId: string };
}

type Listener<K extends keyof TelemetryEvents> = (event: TelemetryEvents[K]) => void;

class Telemetry {
  private readonly listeners: { [K in keyof TelemetryEvents]: Set<Listener<K>> } = {
    cni: new Set(),
    oomKill: new Set(),
  };

  on<K extends keyof TelemetryEvents>(kind: K, listener: Listener<K>): () => void {
    this.listeners[kind].add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  report<K extends keyof TelemetryEvents>(kind: K, event: TelemetryEvents[K]): void {
    for (const listener of this.listeners[kind]) listener(event);
  }

  /** Times `work` and reports it as a CNI operation, failed or not. */
  async timeCni<T>(operation: 'ADD' | 'DEL', work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await work();
      this.report('cni', { operation, seconds: seconds(), ok: true });
      return result;
    } catch (err) {
      this.report('cni', { operation, seconds: seconds(), ok: false });
      throw err;
    }
  }
}

export const telemetry = new Telemetry();
