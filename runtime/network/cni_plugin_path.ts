// Finding a plugin binary by its type in the configured bin dirs, first dir wins.
import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../errors';

export async function findPlugin(type: string, binDirs: readonly string[]): Promise<string | undefined> {
  for (const dir of binDirs) {
    const candidate = path.join(dir, type);
    try {
      const stat = await fs.stat(candidate);
      if (!stat.isFile()) continue;
      await fs.access(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

export async function requirePlugin(type: string, binDirs: readonly string[]): Promise<string> {
  const found = await findPlugin(type, binDirs);
  if (!found) throw new FailedPreconditionError(`CNI plugin "${type}" not found in ${binDirs.join(', ')}`);
  return found;
}
