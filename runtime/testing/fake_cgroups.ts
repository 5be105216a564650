// An in-memory CgroupManager that remembers which cgroups exist and which were killed.
import type { CgroupHandle, CgroupManager, CgroupMode } from '../cgroups/contract';

export class FakeCgroupManager implements CgroupManager {
  readonly mode: CgroupMode = 'v1';
  readonly existing = new Set<string>();
  readonly killed: string[] = [];

  async create(path: string): Promise<CgroupHandle> {
    this.existing.add(path);
    return this.open(path);
  }

  open(path: string): CgroupHandle {
    return {
      path,
      procsFiles: () => [`/fake/cgroup${path}/cgroup.procs`],
      pids: async () => [],
      killAll: async () => { this.killed.push(path); },
      remove: async () => { this.existing.delete(path); },
    };
  }
}
