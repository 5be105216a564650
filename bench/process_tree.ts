// Finding the processes behind a CRI endpoint: the daemon that owns its unix socket, and the
// parent of a container's init (corral's monitor, containerd's shim).
import { promises as fs } from 'node:fs';

/** The pid holding a listening unix socket bound at `socketPath`, from /proc/net/unix and fds. */
export async function socketOwnerPid(socketPath: string): Promise<number | undefined> {
  const table = await fs.readFile('/proc/net/unix', 'utf8');
  const inodes = new Set(
    table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[7] === socketPath)
      .map((fields) => fields[6]),
  );
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await fs.readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return Number(entry);
    }
  }
  return undefined;
}

export async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[1] ? Number(fields[1]) : undefined;
}
