// Test-only: a private writable overlay over a shared lower rootfs, like a snapshot.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export async function mountOverlay(lower: string, dir: string): Promise<string> {
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((name) => path.join(dir, name));
  for (const d of [upper, work, merged]) await fs.mkdir(d, { recursive: true });
  execFileSync('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${lower},upperdir=${upper},workdir=${work}`,
    merged,
  ]);
  return merged;
}

export function unmount(target: string): void {
  try {
    execFileSync('umount', ['-l', target], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}
