// A cgroup on a v1 (or hybrid) host: one directory per mounted hierarchy, each controller's
// files in its own hierarchy's directory.
import path from 'node:path';
import { FailedPreconditionError } from '../../errors';
import { moduleLogger } from '../../log';
import { allSteps } from '../../undo_stack';
import type { CgroupHandle, RemoveOptions } from '../contract';
import { cgroupTreeDeepestFirst, pidsInTreeNow, pollUntil, readPids, tryRmdir } from '../fs_util';
import { pidfdKillListed, sigkillAll } from '../kill';
import type { CgroupResources } from '../resources';
import { nowNs, type CgroupStats } from '../stats';
import type { V1Controller } from './controller';
import { cpuThrottlingV1, cpuV1 } from './cpu';
import { cpuModesNsV1, cpuUsageNsV1 } from './cpuacct';
import { cpusetV1 } from './cpuset';
import { devicesV1 } from './devices';
import { setFrozenV1 } from './freezer';
import { hugetlbV1 } from './hugetlb';
import { memoryStatsV1, memoryV1, oomKillCountV1 } from './memory';
import { pidsV1 } from './pids';
import { readPidsStats } from '../pids_files';

const log = moduleLogger('cgroups-v1');

/** Applied in this order: cpuset before anything joins, memory before devices. */
const CONTROLLERS: V1Controller[] = [cpusetV1, cpuV1, memoryV1, pidsV1, hugetlbV1, devicesV1];

const DEFAULT_REMOVE_TIMEOUT_MS = 10_000;

export class V1CgroupHandle implements CgroupHandle {
  /**
   * @param dirs this cgroup's directory in each hierarchy, by controller name
   * @param validate the manager's check, run before any write
   */
  constructor(
    readonly path: string,
    private readonly dirs: ReadonlyMap<string, string>,
    private readonly validate: (r: CgroupResources) => void,
  ) {}

  procsFiles(): string[] {
    return this.hierarchyDirs().map((dir) => path.join(dir, 'cgroup.procs'));
  }

  async pids(): Promise<number[]> {
    const dir = this.killDir();
    const all = new Set<number>();
    for (const cgroup of await cgroupTreeDeepestFirst(dir)) {
      for (const pid of await readPids(path.join(cgroup, 'cgroup.procs'))) all.add(pid);
    }
    return [...all];
  }

  /**
   * The processes listed are killed at once, without a freeze: a process with SIGKILL pending can
   * fork no more, and a child it forked just before joins the cgroup before its parent leaves it.
   * So while only killed pids are listed nothing new can appear; a pid never killed (a fork
   * around the kill, a process attached meanwhile) takes the freeze, in which frozen tasks cannot
   * fork, so the list read then is complete.
   */
  /** pids(), with blocking reads (see pidsInTreeNow), for the kill's repeated listings. */
  private pidsNow(): number[] {
    return [...new Set(pidsInTreeNow(this.killDir()))];
  }

  async killAll(): Promise<void> {
    const listed = this.pidsNow();
    // An empty cgroup has nothing to kill; the poll below still finds any process attached since.
    const killed = listed.length > 0 ? await pidfdKillListed(listed, async () => this.pidsNow()) : new Set<number>();
    let frozenPass = false;
    // Listed every millisecond (a few blocking reads): a killed process leaves within a millisecond
    // or two of getting a CPU, which the doubling wait (1, 2, 4, 8 ms) saw up to twice as late.
    const empty = await pollUntil(
      async () => {
        const left = this.pidsNow();
        if (!frozenPass && left.some((pid) => !killed.has(pid))) {
          frozenPass = true;
          await this.killFrozen();
          return false;
        }
        sigkillAll(left);
        return left.length === 0;
      },
      DEFAULT_REMOVE_TIMEOUT_MS,
      1,
    );
    if (!empty) throw new FailedPreconditionError(`cgroup ${this.path}: processes survived SIGKILL`);
  }

  /** Freeze, list, kill, thaw: nothing can fork between the list and the kill. */
  private async killFrozen(): Promise<void> {
    const freezer = this.dirs.get('freezer');
    if (!freezer) return sigkillAll(this.pidsNow());
    await setFrozenV1(freezer, true);
    try {
      sigkillAll(this.pidsNow());
    } finally {
      await setFrozenV1(freezer, false);
    }
  }

  async remove(options: RemoveOptions = {}): Promise<void> {
    const left = await this.removeEmptyLeaves();
    if (left.length === 0) return;
    if (options.killRemaining && left.includes(this.killDir())) await this.killAll();
    const timeoutMs = options.timeoutMs ?? DEFAULT_REMOVE_TIMEOUT_MS;
    // The hierarchies are independent trees: removed side by side, each settled before a failure.
    await allSteps(
      left.map(async (dir) => {
        const gone = await pollUntil(
          async () => {
            for (const cgroup of await cgroupTreeDeepestFirst(dir)) if (!(await tryRmdir(cgroup))) return false;
            return true;
          },
          timeoutMs,
          20,
        );
        if (!gone)
          throw new FailedPreconditionError(`cgroup ${this.path} still has processes after ${timeoutMs} ms (${dir})`);
      }),
    );
  }

  /**
   * The usual case, a cgroup without processes or child cgroups, in one round of rmdir (side by
   * side) instead of a kill pass and a walk of every hierarchy: rmdir fails (EBUSY) while a
   * process or a child is there, so the kill hierarchy's rmdir going through shows nothing is left
   * to kill. Returns the directories still there, for the full removal.
   */
  private async removeEmptyLeaves(): Promise<string[]> {
    const dirs = this.hierarchyDirs();
    const gone = await Promise.all(dirs.map((dir) => tryRmdir(dir).catch(() => false)));
    return dirs.filter((_, i) => !gone[i]);
  }

  /** The hierarchy whose cgroup.procs killAll reads. */
  private killDir(): string {
    return this.dirs.get('pids') ?? this.dirs.get('freezer') ?? this.hierarchyDirs()[0];
  }

  async apply(resources: CgroupResources): Promise<void> {
    this.validate(resources);
    // Controllers are independent: written side by side, every write settled before a failure is reported.
    await allSteps(
      CONTROLLERS.map(async (controller) => {
        const dir = this.dirs.get(controller.subsystem);
        if (dir) await controller.apply(dir, resources);
        else
          log.debug('controller not mounted; its resources are skipped', {
            controller: controller.subsystem,
            path: this.path,
          });
      }),
    );
  }

  async freeze(): Promise<void> {
    await setFrozenV1(this.requireDir('freezer'), true);
  }

  async thaw(): Promise<void> {
    await setFrozenV1(this.requireDir('freezer'), false);
  }

  async stats(): Promise<CgroupStats> {
    const timestampNs = nowNs();
    const cpuDir = this.dirs.get('cpu');
    const throttling = cpuDir ? await cpuThrottlingV1(cpuDir) : { periods: 0, throttledPeriods: 0, throttledNs: 0n };
    const cpuacct = this.dirs.get('cpuacct');
    return {
      timestampNs,
      cpu: {
        usageNs: cpuacct ? await cpuUsageNsV1(cpuacct) : 0n,
        ...(cpuacct ? await cpuModesNsV1(cpuacct) : { userNs: 0n, systemNs: 0n }),
        ...throttling,
      },
      memory: await memoryStatsV1(this.requireDir('memory')),
      pids: this.dirs.has('pids')
        ? await readPidsStats(this.dirs.get('pids')!)
        : { current: (await this.pids()).length },
    };
  }

  async oomKillCount(): Promise<number> {
    return oomKillCountV1(this.requireDir('memory'));
  }

  async oomKilled(): Promise<boolean> {
    return (await this.oomKillCount()) > 0;
  }

  /** Each hierarchy's directory once (co-mounted controllers share one). */
  private hierarchyDirs(): string[] {
    return [...new Set(this.dirs.values())];
  }

  private requireDir(controller: string): string {
    const dir = this.dirs.get(controller);
    if (!dir) throw new FailedPreconditionError(`the ${controller} cgroup controller is not mounted on this host`);
    return dir;
  }
}
