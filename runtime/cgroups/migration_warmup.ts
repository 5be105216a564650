// Moving a process into a cgroup (a write to cgroup.procs) takes the kernel's threadgroup rwsem
// for writing, and entering it waits for an RCU grace period (5-20 ms on this VM) unless another
// writer is in it or has just left it. CreateContainer (the monitor moves the init) and ExecSync
// (the helper moves itself) each pay that once. A no-op move of corrald into the cgroup it is
// already in, started as soon as such a request arrives, waits out the grace period alongside
// the request's other work, so the real move that follows finds the lock warm.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseProcCgroup, type HostCgroups } from './host';

interface OwnCgroup {
  /** key in /proc/self/cgroup: a v1 controller, or "" for the unified hierarchy */
  key: string;
  mountPoint: string;
  ownPath: string;
}

export class MigrationWarmup {
  private inFlight = false;
  private readonly own: OwnCgroup | undefined;

  constructor(host: HostCgroups) {
    this.own = ownCgroupOf(host);
  }

  /** Callers need not wait: at most one warm-up runs at a time, and a failure only loses the speed-up. */
  warm(): Promise<void> {
    if (this.inFlight || !this.own) return Promise.resolve();
    this.inFlight = true;
    return this.moveSelfInPlace(this.own)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = false;
      });
  }

  private async moveSelfInPlace(own: OwnCgroup): Promise<void> {
    // Only while corrald is still exactly where it was found: the write must never move it.
    const current = parseProcCgroup(await fs.readFile('/proc/self/cgroup', 'utf8')).get(own.key);
    if (current !== own.ownPath) return;
    // "0" names the writing process itself.
    await fs.writeFile(path.join(own.mountPoint, own.ownPath, 'cgroup.procs'), '0');
  }
}

function ownCgroupOf(host: HostCgroups): OwnCgroup | undefined {
  if (host.mode === 'v2') {
    return host.unifiedMount ? { key: '', mountPoint: host.unifiedMount, ownPath: host.unifiedOwnPath } : undefined;
  }
  const key = host.v1.has('pids') ? 'pids' : host.v1.keys().next().value;
  const hierarchy = key === undefined ? undefined : host.v1.get(key);
  return hierarchy && key !== undefined
    ? { key, mountPoint: hierarchy.mountPoint, ownPath: hierarchy.ownPath }
    : undefined;
}
