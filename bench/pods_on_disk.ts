// A corrald state with N pods (one running container each) on disk, for start-up benches: made
// once by this build's corrald, which is then stopped (the containers keep running, as across a
// corrald upgrade); removed again with everything in it. CNI off: each pod has its own netns
// with loopback only (a /24 test bridge holds too few addresses).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Corrald, type CorraldDirs } from '../conformance/harness/corrald';
import { cgroupParentDirs } from '../conformance/lifecycle/fixture';
import { pushTestImages, startTestRegistry } from '../conformance/testimages';
import { emptyTimings, startPod } from './lifecycle_ops';

export interface PodsOnDisk {
  dirs: CorraldDirs;
  /** corrald's --config file for this state. */
  configFile: string;
  remove(): Promise<void>;
}

export async function makePodsOnDisk(pods: number): Promise<PodsOnDisk> {
  const cgroupParent = `/corral-bench-start-${process.pid}`;
  const configToml = [`default_cgroup_parent = "${cgroupParent}"`, '[cni]', 'enabled = false', ''].join('\n');
  const registry = await startTestRegistry();
  let daemon: Corrald | undefined;
  try {
    const { busybox } = await pushTestImages(registry);
    daemon = await Corrald.start({ configToml });
    await daemon.client.image('PullImage', { image: { image: busybox }, auth: null });
    for (let i = 0; i < pods; i++) await startPod(daemon.client, busybox, 'disk', emptyTimings());
    await daemon.stop();
  } catch (err) {
    if (daemon) {
      await daemon.stop();
      await removeState(daemon.dirs, configToml, cgroupParent);
    }
    throw err;
  } finally {
    await registry.stop();
  }
  const dirs = daemon.dirs;
  const configFile = path.join(dirs.base, 'corral.toml');
  return { dirs, configFile, remove: () => removeState(dirs, configToml, cgroupParent) };
}

/** Starts corrald once more on the state to remove every pod, then removes its roots and cgroups. */
async function removeState(dirs: CorraldDirs, configToml: string, cgroupParent: string): Promise<void> {
  const daemon = await Corrald.start({ dirs, configToml });
  const { items } = await daemon.client.runtime('ListPodSandbox', {});
  for (const pod of items) await daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  await daemon.stop();
  await daemon.removeDirs();
  for (const dir of await cgroupParentDirs(cgroupParent)) await fs.rmdir(dir).catch(() => undefined);
}
