// Parsing and checking manifests, indexes and image configs: every field we rely on is
// validated here, so the rest of the pull handles only well-formed data.
import { InvalidArgumentError } from '../errors';
import type { ImageRuntimeConfig } from './contract';
import type { IndexEntry } from './platform';
import { DIGEST } from './reference';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

/** Beyond this, an overlay mount's option string no longer fits a page. */
export const MAX_LAYERS = 127;
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new InvalidArgumentError(`${what}: not a JSON object`);
}

function descriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d.digest !== 'string' || !DIGEST.test(d.digest))
    throw new InvalidArgumentError(`${what}: descriptor without a sha256 digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
    throw new InvalidArgumentError(`${what}: descriptor ${d.digest} has no valid size`);
  return { mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size };
}

export function parseManifest(body: Record<string, unknown>, what: string): ImageManifest {
  if (!Array.isArray(body.layers)) throw new InvalidArgumentError(`${what}: manifest without layers`);
  if (body.layers.length > MAX_LAYERS)
    throw new InvalidArgumentError(`${what}: ${body.layers.length} layers (limit ${MAX_LAYERS})`);
  const config = descriptor(body.config, `${what} config`);
  if (config.size > MAX_CONFIG_BYTES)
    throw new InvalidArgumentError(`${what}: config of ${config.size} bytes is too large`);
  return { config, layers: body.layers.map((l, i) => descriptor(l, `${what} layer ${i}`)) };
}

export function parseIndex(body: Record<string, unknown>, what: string): IndexEntry[] {
  if (!Array.isArray(body.manifests)) throw new InvalidArgumentError(`${what}: index without manifests`);
  return body.manifests.map((m, i) => ({
    ...descriptor(m, `${what} manifest ${i}`),
    platform: (m as IndexEntry).platform,
    annotations: (m as IndexEntry).annotations,
  }));
}

export interface ParsedConfig {
  diffIds: string[];
  runtime: ImageRuntimeConfig;
  raw: Record<string, unknown>;
}

export function parseImageConfig(body: Record<string, unknown>, layerCount: number, what: string): ParsedConfig {
  const rootfs = body.rootfs as { diff_ids?: unknown } | undefined;
  const diffIds = rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.some((d) => typeof d !== 'string' || !DIGEST.test(d))) {
    throw new InvalidArgumentError(`${what}: config has no valid rootfs.diff_ids`);
  }
  if (diffIds.length !== layerCount) {
    throw new InvalidArgumentError(`${what}: config lists ${diffIds.length} diff IDs for ${layerCount} layers`);
  }
  const c = (body.config ?? {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const labels = typeof c.Labels === 'object' && c.Labels !== null ? (c.Labels as Record<string, string>) : {};
  return {
    diffIds: diffIds as string[],
    raw: body,
    runtime: {
      entrypoint: strings(c.Entrypoint),
      cmd: strings(c.Cmd),
      env: strings(c.Env),
      workingDir: str(c.WorkingDir),
      user: str(c.User),
      stopSignal: str(c.StopSignal),
      labels: { ...labels },
    },
  };
}
