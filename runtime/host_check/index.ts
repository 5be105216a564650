// The whole node report: kernel features, cgroups, filesystems, networking.
import { promises as fs } from 'node:fs';
import { probeKernel } from './kernel_probe';
import { probeCgroups } from './cgroup_probe';
import { probeCniPlugins } from './cni_probe';
import type { FeatureCheck } from './report';

export type { FeatureCheck } from './report';
export { missingRequired, nodeIsUsable, unseenRequired } from './report';

export async function checkNode(): Promise<FeatureCheck[]> {
  const [kernel, cgroups, cni, userns] = await Promise.all([
    probeKernel(),
    probeCgroups(),
    probeCniPlugins(),
    probeUserNamespaceLimit(),
  ]);
  return [...kernel, userns, ...cgroups, ...cni];
}

/** User namespaces also need a non-zero per-user limit. */
async function probeUserNamespaceLimit(): Promise<FeatureCheck> {
  const limit = Number((await fs.readFile('/proc/sys/user/max_user_namespaces', 'utf8').catch(() => '0')).trim());
  return {
    group: 'namespaces',
    name: 'user.max_user_namespaces',
    ok: limit > 0,
    required: false,
    detail: String(limit),
  };
}
