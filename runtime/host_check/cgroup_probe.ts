// Which cgroup layout the host has (v1, hybrid, v2) and which controllers are enabled.
import { promises as fs } from 'node:fs';
import type { FeatureCheck } from './report';

const NEEDED_CONTROLLERS = ['cpu', 'memory', 'pids'];
const USEFUL_CONTROLLERS = ['cpuset', 'hugetlb', 'devices', 'freezer', 'io', 'blkio'];

export interface CgroupLayout { mode: 'v1' | 'hybrid' | 'v2'; controllers: string[] }

export async function detectCgroupLayout(mountinfo?: string): Promise<CgroupLayout> {
  const text = mountinfo ?? (await fs.readFile('/proc/self/mountinfo', 'utf8'));
  const mounts = text.split('\n').map((line) => {
    const [left = '', right = ''] = line.split(' - ');
    return { point: left.split(' ')[4] ?? '', fstype: right.split(' ')[0] ?? '', superOptions: right.split(' ')[2] ?? '' };
  });
  const unified = mounts.find((m) => m.fstype === 'cgroup2');
  const v1 = mounts.filter((m) => m.fstype === 'cgroup');
  if (unified && v1.length === 0) {
    const controllers = (await fs.readFile(`${unified.point}/cgroup.controllers`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
    return { mode: 'v2', controllers };
  }
  const controllers = v1.flatMap((m) => m.superOptions.split(',')).filter((o) => /^[a-z_]+$/.test(o) && !['rw', 'ro', 'relatime', 'noexec', 'nosuid', 'nodev'].includes(o));
  return { mode: unified ? 'hybrid' : 'v1', controllers: [...new Set(controllers)] };
}

export async function probeCgroups(): Promise<FeatureCheck[]> {
  const layout = await detectCgroupLayout();
  const checks: FeatureCheck[] = [{ group: 'cgroups', name: 'mode', ok: true, required: true, detail: layout.mode }];
  for (const controller of [...NEEDED_CONTROLLERS, ...USEFUL_CONTROLLERS]) {
    if (controller === 'io' && layout.mode !== 'v2') continue;
    if (controller === 'blkio' && layout.mode === 'v2') continue;
    if (controller === 'freezer' && layout.mode === 'v2') continue; // v2 freezes through cgroup.freeze
    if (controller === 'devices' && layout.mode === 'v2') continue; // v2 uses a BPF program instead
    const ok = layout.controllers.includes(controller);
    checks.push({ group: 'cgroups', name: controller, ok, required: NEEDED_CONTROLLERS.includes(controller), detail: ok ? '' : 'not enabled' });
  }
  return checks;
}
