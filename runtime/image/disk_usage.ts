// Bytes (allocated blocks, as du counts) and inodes below a directory, hard links counted once.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function diskUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  const seen = new Set<number>();
  let bytes = 0;
  let inodes = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st || seen.has(st.ino)) return;
    seen.add(st.ino);
    inodes++;
    bytes += st.blocks * 512;
    if (!st.isDirectory()) return;
    for (const name of await fs.readdir(p).catch(() => [] as string[])) await walk(path.join(p, name));
  };
  await walk(dir);
  return { bytes, inodes };
}
