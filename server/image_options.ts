// The image service's options from corrald's config: registry hosts and timeouts, the pull
// deadline and the unpack caps (docs/limits.md lists them all).
import type { ImageServiceOptions } from '../runtime/image/image_service';
import type { CorralConfig } from './config/config';

export function imageServiceOptions(config: CorralConfig): ImageServiceOptions {
  const { registry, image } = config;
  return {
    root: config.root,
    registry,
    pinned: [config.sandbox_image],
    httpTimeouts: {
      responseMs: registry.response_timeout_seconds * 1000,
      bodyIdleMs: registry.body_idle_timeout_seconds * 1000,
    },
    stallTimeoutMs: registry.body_idle_timeout_seconds * 1000,
    pullTimeoutMs: image.pull_timeout_seconds * 1000,
    unpackLimits: {
      maxLayerBytes: image.max_layer_unpacked_bytes,
      maxLayerEntries: image.max_layer_entries,
      maxImageBytes: image.max_image_unpacked_bytes,
      maxImageEntries: image.max_image_entries,
      reserveBytes: image.unpack_reserve_bytes,
    },
  };
}
