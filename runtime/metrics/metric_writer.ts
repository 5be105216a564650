// Collects one object's samples: its base labels (id, name, image) and the time they were read
// are given once; each metric adds its value and its own labels.
import { descriptorOf } from './descriptors';
import type { MetricSample } from './metric_types';

export class MetricWriter {
  readonly samples: MetricSample[] = [];

  constructor(
    private readonly baseLabels: [id: string, name: string, image: string],
    private readonly timestampNs: bigint,
  ) {}

  add(name: string, value: number | bigint, extraLabels: string[] = []): void {
    const descriptor = descriptorOf(name);
    const labels = [...this.baseLabels, ...extraLabels];
    if (labels.length !== descriptor.labelKeys.length) throw new Error(`${name}: label values do not match its keys`);
    this.samples.push({ name, kind: descriptor.kind, labels, value: toUnsigned(value), timestampNs: this.timestampNs });
  }
}

/** Whole, non-negative: CRI's UInt64Value cannot carry anything else. */
function toUnsigned(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value < 0n ? 0n : value;
  if (!Number.isFinite(value) || value <= 0) return 0n;
  return BigInt(Math.floor(value));
}
