// A cgroup on a pure v2 host: one directory in the unified hierarchy.
import path from 'node:path';
import { FailedPreconditionError } from '../../errors';
import type { CgroupHandle, RemoveOptions } from '../contract';
import { cgroupTreeDeepestFirst, exists, pollUntil, readPids, tryRmdir, writeValue } from '../fs_util';
import { sigkillAll } from '../kill';
import type { CgroupResources } from '../resources';
import { nowNs, type CgroupStats } from '../stats';
import type { V2Controller } from './controller';
import { cpuStatsV2, cpuV2 } from './cpu';
import { cpusetV2 } from './cpuset';
import { applyDevicesV2 } from './devices';
import { populatedV2, setFrozenV2 } from './freezer';
import { hugetlbV2 } from './hugetlb';
import { memoryStatsV2, memoryV2, oomKillCountV2 } from './memory';
import { pidsV2 } from './pids';
import { readPidsStats } from '../pids_files';
import { applyUnifiedV2, checkUnifiedV2 } from './unified';

const CONTROLLERS: V2Controller[] = [cpusetV2, cpuV2, memoryV2, pidsV2, hugetlbV2];

const DEFAULT_TIMEOUT_MS = 10_000;

export class V2CgroupHandle implements CgroupHandle {
  /**
   * @param dir the cgroup's directory in the unified hierarchy
   * @param validate the manager's check, run before any write
   */
  constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly validate: (r: CgroupResources) => void,
  ) {}

  procsFiles(): string[] {
    return [path.join(this.dir, 'cgroup.procs')];
  }

  async pids(): Promise<number[]> {
    const all: number[] = [];
    for (const cgroup of await cgroupTreeDeepestFirst(this.dir))
      all.push(...(await readPids(path.join(cgroup, 'cgroup.procs'))));
    return all;
  }

  async killAll(): Promise<void> {
    const killFile = path.join(this.dir, 'cgroup.kill');
    if (await exists(killFile)) {
      await writeValue(killFile, '1');
    } else {
      // Kernels before 5.14: frozen tasks cannot fork, so the list read while frozen is complete.
      await setFrozenV2(this.dir, true);
      try {
        sigkillAll(await this.pids());
      } finally {
        await setFrozenV2(this.dir, false);
      }
    }
    const empty = await pollUntil(async () => !(await populatedV2(this.dir)), DEFAULT_TIMEOUT_MS);
    if (!empty) throw new FailedPreconditionError(`cgroup ${this.path}: processes survived SIGKILL`);
  }

  async remove(options: RemoveOptions = {}): Promise<void> {
    if (options.killRemaining) await this.killAll();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const gone = await pollUntil(
      async () => {
        for (const cgroup of await cgroupTreeDeepestFirst(this.dir)) if (!(await tryRmdir(cgroup))) return false;
        return true;
      },
      timeoutMs,
      20,
    );
    if (!gone) throw new FailedPreconditionError(`cgroup ${this.path} still has processes after ${timeoutMs} ms`);
  }

  async apply(resources: CgroupResources): Promise<void> {
    this.validate(resources);
    await checkUnifiedV2(this.dir, resources);
    for (const controller of CONTROLLERS) await controller.apply(this.dir, resources);
    if (resources.devices) await applyDevicesV2(this.dir, resources.devices);
    await applyUnifiedV2(this.dir, resources);
  }

  async freeze(): Promise<void> {
    await setFrozenV2(this.dir, true);
  }

  async thaw(): Promise<void> {
    await setFrozenV2(this.dir, false);
  }

  async stats(): Promise<CgroupStats> {
    const timestampNs = nowNs();
    return {
      timestampNs,
      cpu: await cpuStatsV2(this.dir),
      memory: await memoryStatsV2(this.dir),
      pids: await readPidsStats(this.dir),
    };
  }

  async oomKillCount(): Promise<number> {
    return oomKillCountV2(this.dir);
  }

  async oomKilled(): Promise<boolean> {
    return (await this.oomKillCount()) > 0;
  }
}
