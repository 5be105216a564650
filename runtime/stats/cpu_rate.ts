// usage_nano_cores needs two samples: keeps the last CPU sample per object (container or pod)
// so each stats call reports the rate since the previous one, as containerd does.
import { usageNanoCores, type CgroupStats } from '../cgroups/stats';

type CpuSample = Pick<CgroupStats, 'timestampNs' | 'cpu'>;

export class CpuRateTracker {
  private readonly last = new Map<string, CpuSample>();

  /** Records `sample` for `id`; returns the rate since the previous sample (undefined on the first). */
  observe(id: string, sample: CpuSample): number | undefined {
    const previous = this.last.get(id);
    this.last.set(id, { timestampNs: sample.timestampNs, cpu: { ...sample.cpu } });
    return previous ? usageNanoCores(previous, sample) : undefined;
  }

  /** Forgets objects that no longer exist. */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    for (const id of this.last.keys()) if (!keep.has(id)) this.last.delete(id);
  }
}
