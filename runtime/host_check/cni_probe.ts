// Whether the standard CNI plugins corral's default network uses are installed.
import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import type { FeatureCheck } from './report';

export const DEFAULT_CNI_BIN_DIRS = ['/opt/cni/bin', '/usr/lib/cni'];
const PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

export async function probeCniPlugins(binDirs: string[] = DEFAULT_CNI_BIN_DIRS): Promise<FeatureCheck[]> {
  const checks: FeatureCheck[] = [];
  for (const plugin of PLUGINS) {
    const found = await firstExecutable(binDirs.map((dir) => path.join(dir, plugin)));
    checks.push({
      group: 'networking',
      name: `cni.${plugin}`,
      ok: found !== undefined,
      required: false,
      detail: found ?? `not in ${binDirs.join(':')}`,
    });
  }
  return checks;
}

async function firstExecutable(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    if (
      await fs.access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}
