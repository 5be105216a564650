// Reads the pod and container config files corralctl create/runp take: CRI JSON with the proto
// field names, as crictl's. Env values are written as text but are bytes on the wire.
import { promises as fs } from 'node:fs';

export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** A container config with env values turned into bytes (protobuf would read a string as base64). */
export function withEnvBytes(config: Record<string, unknown>): Record<string, unknown> {
  const envs = (Array.isArray(config.envs) ? config.envs : []) as { key: string; value?: string }[];
  return {
    ...config,
    envs: envs.map((kv) => ({
      key: kv.key,
      value: Buffer.from(String(kv.value ?? ''), 'utf8'),
    })),
  };
}
