// The cgroup part of the node report, read from the cgroup driver itself (runtime/cgroups):
// the layout and driver, each controller, and how kill-all, OOM detection and device rules work.
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import path from 'node:path';
import { detectHost, type HostCgroups } from '../cgroups/host';
import { createCgroupManager } from '../cgroups/manager';
import type { FeatureCheck } from './report';

const NEEDED_CONTROLLERS = ['cpu', 'memory', 'pids'];

export async function probeCgroups(): Promise<FeatureCheck[]> {
  const host = detectHost();
  const manager = createCgroupManager({ host });
  const check = (name: string, ok: boolean, required: boolean, detail: string): FeatureCheck => ({
    group: 'cgroups',
    name,
    ok,
    required,
    detail,
  });
  const checks = [check('mode', true, true, `${host.mode} (driver ${manager.driver}${nestingNote(host)})`)];
  for (const c of manager.controllers()) {
    checks.push(
      check(c.name, c.available, NEEDED_CONTROLLERS.includes(c.name), c.available ? (c.where ?? '') : 'not enabled'),
    );
  }
  checks.push(...(manager.driver === 'v2' ? v2Features(host) : v1Features(host)));
  return checks;
}

function v1Features(host: HostCgroups): FeatureCheck[] {
  const memory = host.v1.get('memory')?.mountPoint;
  const has = (file: string) => !!memory && existsSync(path.join(memory, file));
  return [
    {
      group: 'cgroups',
      name: 'kill-all',
      ok: host.v1.has('freezer'),
      required: false,
      detail: 'freeze, SIGKILL every pid, thaw',
    },
    {
      group: 'cgroups',
      name: 'oom-kill count',
      ok: has('memory.oom_control'),
      required: false,
      detail: 'memory.oom_control oom_kill',
    },
    {
      group: 'cgroups',
      name: 'swap limit',
      ok: has('memory.memsw.limit_in_bytes'),
      required: false,
      detail: 'memory.memsw.limit_in_bytes',
    },
    {
      group: 'cgroups',
      name: 'device rules',
      ok: host.v1.has('devices'),
      required: false,
      detail: 'devices.allow / devices.deny',
    },
  ];
}

function v2Features(host: HostCgroups): FeatureCheck[] {
  const [major, minor] = release().split('.').map(Number);
  const hasKill = major > 5 || (major === 5 && minor >= 14);
  return [
    {
      group: 'cgroups',
      name: 'kill-all',
      ok: true,
      required: false,
      detail: hasKill ? 'cgroup.kill' : 'freeze, SIGKILL every pid, thaw',
    },
    { group: 'cgroups', name: 'oom-kill count', ok: true, required: false, detail: 'memory.events oom_kill' },
    {
      group: 'cgroups',
      name: 'device rules',
      ok: true,
      required: false,
      detail: `eBPF cgroup device program on ${host.unifiedMount}`,
    },
  ];
}

function nestingNote(host: HostCgroups): string {
  const memory = host.v1.get('memory');
  return memory && memory.ownPath !== '/' ? `; memory cgroups nest under ${memory.ownPath}` : '';
}
