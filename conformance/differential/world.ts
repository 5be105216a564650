// Everything one differential run needs, started together and stopped together: a private CNI
// network, the test registry with the probe images, the host fixture, corrald and the reference
// containerd, each with its own log directory and test-only cgroup parent.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Corrald } from '../harness/corrald';
import { cgroupParentDirs } from '../lifecycle/fixture';
import { startTestRegistry, type TestRegistry } from '../testimages';
import { NetworkFixture } from '../../runtime/network/testing/fixture';
import { HostFixture } from './host_fixture';
import { pushProbeImages, type ProbeImages } from './probe_image';
import { ReferenceContainerd } from './reference_containerd';
import type { RuntimePlaces } from './normalise';
import type { RuntimeUnderTest } from './runner';

const CNI_BIN_DIR = '/usr/lib/cni';
const CGROUP_MOUNT = '/sys/fs/cgroup';

export interface DiffWorld {
  network: NetworkFixture;
  registry: TestRegistry;
  images: ProbeImages;
  host: HostFixture;
  cgroupRoot: string;
  corrald?: Corrald;
  containerd?: ReferenceContainerd;
  corral?: RuntimeUnderTest & { places: RuntimePlaces };
  reference?: RuntimeUnderTest & { places: RuntimePlaces };
}

export async function startWorld(): Promise<DiffWorld> {
  const network = await NetworkFixture.create();
  await network.writeConflist([network.bridgePlugin()]);
  const registry = await startTestRegistry();
  const world: DiffWorld = {
    network,
    registry,
    images: await pushProbeImages(registry),
    host: await HostFixture.create(),
    cgroupRoot: `/corral-diff-${process.pid}`,
  };
  try {
    await makeCgroupRoot(world.cgroupRoot);
    await startCorral(world);
    await startReference(world);
  } catch (err) {
    await stopWorld(world);
    throw err;
  }
  return world;
}

async function startCorral(world: DiffWorld): Promise<void> {
  const cgroupParent = `${world.cgroupRoot}/corral`;
  const toml = [
    `default_cgroup_parent = "${cgroupParent}"`,
    '[cni]',
    `conf_dir = "${world.network.confDir}"`,
    `bin_dirs = ["${CNI_BIN_DIR}"]`,
    '',
  ].join('\n');
  world.corrald = await Corrald.start({ configToml: toml });
  const hostDir = await world.host.runtimeDir('corral');
  world.corral = {
    name: 'corral',
    client: world.corrald.client,
    logDir: path.join(world.corrald.dirs.base, 'logs'),
    cgroupParent,
    context: {
      images: world.images,
      hostDir,
      seccompProfile: world.host.seccompProfile,
      spareDevice: world.host.spareDevice,
    },
    places: { hostDir, roots: [world.corrald.dirs.base], cgroupParent },
  };
  await pullAll(world.corral, world.images, ['probe', 'probeUser', 'probeCmdOnly']);
}

async function startReference(world: DiffWorld): Promise<void> {
  const cgroupParent = `${world.cgroupRoot}/containerd`;
  world.containerd = await ReferenceContainerd.start(world.network.confDir, CNI_BIN_DIR, {
    registryHost: world.registry.host,
    sandboxImage: world.images.pause,
  });
  const hostDir = await world.host.runtimeDir('containerd');
  world.reference = {
    name: 'containerd',
    client: world.containerd.client,
    retryUnknown: true,
    logDir: path.join(world.containerd.base, 'logs'),
    cgroupParent,
    context: {
      images: world.images,
      hostDir,
      seccompProfile: world.host.seccompProfile,
      spareDevice: world.host.spareDevice,
    },
    places: { hostDir, roots: [world.containerd.base], cgroupParent },
  };
  await pullAll(world.reference, world.images, ['probe', 'probeUser', 'probeCmdOnly', 'pause']);
}

async function pullAll(rt: RuntimeUnderTest, images: ProbeImages, names: Array<keyof ProbeImages>): Promise<void> {
  for (const name of names) await rt.client.image('PullImage', { image: { image: images[name] }, auth: null });
}

export async function stopWorld(world: DiffWorld): Promise<void> {
  const errors: unknown[] = [];
  const step = async (what: () => Promise<unknown>) => {
    try {
      await what();
    } catch (err) {
      errors.push(err);
    }
  };
  if (world.corrald) {
    const corrald = world.corrald;
    await step(async () => {
      const { items } = await corrald.client.runtime('ListPodSandbox', {});
      for (const pod of items) {
        await corrald.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
        await corrald.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
      }
    });
    await step(() => corrald.stop());
    await step(() => corrald.removeDirs());
  }
  if (world.containerd) await step(() => world.containerd!.stop());
  await step(() => world.host.cleanup());
  await step(() => world.registry.stop());
  await step(() => removeCgroupTree(world.cgroupRoot));
  await step(() => world.network.cleanup());
  if (errors.length > 0) throw errors[0];
}

/**
 * Both runtimes make their cgroup parents below one root at the same moment; a v1 cpuset level
 * one made and has not yet filled would leave the other's child empty. So the root comes first.
 */
async function makeCgroupRoot(cgroupRoot: string): Promise<void> {
  const unifiedOnly = existsSync(path.join(CGROUP_MOUNT, 'cgroup.controllers'));
  const hierarchies = unifiedOnly ? [''] : await v1Hierarchies();
  for (const hierarchy of hierarchies) {
    const dir = path.join(CGROUP_MOUNT, hierarchy, cgroupRoot);
    await fs.mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const parent = await fs.readFile(path.join(path.dirname(dir), file), 'utf8').catch(() => undefined);
      if (parent !== undefined) await fs.writeFile(path.join(dir, file), parent.trim());
    }
  }
}

async function v1Hierarchies(): Promise<string[]> {
  const entries = await fs.readdir(CGROUP_MOUNT, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** The run's cgroup parent in every hierarchy, children first; a cgroup still in use fails rmdir. */
async function removeCgroupTree(cgroupRoot: string): Promise<void> {
  for (const dir of await cgroupParentDirs(cgroupRoot)) await removeDirTree(dir);
}

async function removeDirTree(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) if (entry.isDirectory()) await removeDirTree(path.join(dir, entry.name));
  await fs.rmdir(dir);
}
