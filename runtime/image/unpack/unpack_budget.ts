// Caps on what unpacking may write: bytes and entries per layer and per image, and never past
// the free space (bytes and inodes) of the filesystem holding the layers less a reserve. A 1 MB
// gzip bomb or a layer of 300,000 empty files fails the pull with RESOURCE_EXHAUSTED instead of
// filling the node's disk. Each tar entry is charged from its header, before anything is written.
import { statfsSync } from 'node:fs';
import { ResourceExhaustedError } from '../../errors';

export interface UnpackLimits {
  maxLayerBytes: number;
  maxLayerEntries: number;
  maxImageBytes: number;
  maxImageEntries: number;
  /** Free bytes left untouched on the layers' filesystem (and 1/64 of that in inodes). */
  reserveBytes: number;
}

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxLayerBytes: 32 * 1024 ** 3,
  maxLayerEntries: 1_000_000,
  maxImageBytes: 64 * 1024 ** 3,
  maxImageEntries: 2_000_000,
  reserveBytes: 512 * 1024 ** 2,
};

interface Spent {
  bytes: number;
  entries: number;
}

/** One pull's budget; `forLayer` hands out each layer's share as it starts unpacking. */
export class ImageUnpackBudget {
  private readonly spent: Spent = { bytes: 0, entries: 0 };

  constructor(
    private readonly limits: UnpackLimits,
    private readonly display: string,
  ) {}

  /** The budget of one layer about to be unpacked under `dir`: checks free space now. */
  forLayer(dir: string): LayerUnpackBudget {
    const fs = statfsSync(dir);
    const freeBytes = fs.bavail * fs.bsize - this.limits.reserveBytes;
    const freeInodes = fs.files === 0 ? Infinity : fs.ffree - Math.ceil(this.limits.reserveBytes / (64 * 1024));
    if (freeBytes <= 0 || freeInodes <= 0) {
      throw new ResourceExhaustedError(
        `${this.display}: not enough free space to unpack under ${dir} ` +
          `(${Math.max(0, fs.bavail * fs.bsize)} bytes free, ${this.limits.reserveBytes} kept in reserve)`,
      );
    }
    return new LayerUnpackBudget(this.limits, this.spent, { bytes: freeBytes, entries: freeInodes }, this.display);
  }
}

export class LayerUnpackBudget {
  private readonly layer: Spent = { bytes: 0, entries: 0 };

  constructor(
    private readonly limits: UnpackLimits,
    private readonly image: Spent,
    private readonly free: Spent,
    private readonly display: string,
  ) {}

  /** Charges one entry of `bytes` data; throws RESOURCE_EXHAUSTED past any cap. */
  charge(bytes: number, name: string): void {
    this.layer.bytes += bytes;
    this.layer.entries += 1;
    this.image.bytes += bytes;
    this.image.entries += 1;
    const over = this.firstExceeded();
    if (over) throw new ResourceExhaustedError(`${this.display}: unpacking stopped at ${name}: ${over}`);
  }

  private firstExceeded(): string | undefined {
    const { limits, layer, image, free } = this;
    if (layer.bytes > limits.maxLayerBytes) return `layer larger than ${limits.maxLayerBytes} bytes unpacked`;
    if (layer.entries > limits.maxLayerEntries) return `layer has more than ${limits.maxLayerEntries} entries`;
    if (image.bytes > limits.maxImageBytes) return `image larger than ${limits.maxImageBytes} bytes unpacked`;
    if (image.entries > limits.maxImageEntries) return `image has more than ${limits.maxImageEntries} entries`;
    if (layer.bytes > free.bytes) return `not enough free space (${free.bytes} bytes above the reserve)`;
    if (layer.entries > free.entries) return `not enough free inodes (${free.entries} above the reserve)`;
    return undefined;
  }
}
