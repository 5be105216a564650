// Bytes and inodes a directory tree uses (a container's writable layer), counted like du:
// allocated blocks, each inode once, without crossing into other filesystems.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface DiskUsage {
  usedBytes: number;
  inodesUsed: number;
}

export async function diskUsage(root: string): Promise<DiskUsage> {
  const seen = new Set<string>();
  const total: DiskUsage = { usedBytes: 0, inodesUsed: 0 };
  let rootDev: number | undefined;
  const walk = async (dir: string): Promise<void> => {
    let st;
    try {
      st = await fs.lstat(dir);
    } catch {
      return; // vanished while we walked
    }
    rootDev ??= st.dev;
    if (st.dev !== rootDev) return;
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    total.inodesUsed += 1;
    total.usedBytes += st.blocks * 512;
    if (!st.isDirectory()) return;
    const entries = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of entries) await walk(path.join(dir, name));
  };
  await walk(root);
  return total;
}
