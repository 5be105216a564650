// corrald and a private containerd 1.6 + runc (Debian's, unpacked by the differential suite's
// setup-reference.sh) side by side on one private CNI bridge + portmap network, each with its own
// test-only cgroup parent, both pulling the same busybox from the local test registry. Everything
// it starts it stops, and everything it makes it removes.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { CriClient } from '../cli/cri_client';
import { ReferenceContainerd, referenceInstalled } from '../conformance/differential/reference_containerd';
import { pushProbeImages } from '../conformance/differential/probe_image';
import { Corrald } from '../conformance/harness/corrald';
import { cgroupParentDirs } from '../conformance/lifecycle/fixture';
import { pushTestImages, startTestRegistry, type TestRegistry } from '../conformance/testimages';
import { NetworkFixture, PLUGIN_DIRS } from '../runtime/network/testing/fixture';
import { socketOwnerPid } from './process_tree';

const run = promisify(execFile);
const SETUP_REFERENCE = path.resolve(__dirname, '..', '..', 'conformance', 'differential', 'setup-reference.sh');
/** Where containerd and the bench's CNI floor find the plugins (corral searches PLUGIN_DIRS, which include it). */
export const CNI_BIN_DIR = '/usr/lib/cni';

export interface Side {
  name: 'corral' | 'containerd';
  client: CriClient;
  socket: string;
  pid: number;
  cgroupParent: string;
  /** Start to first answered Version, ms (corrald: its first start on fresh roots, without a code cache yet, and without NODE_EXTRA_CA_CERTS). */
  startMs: number;
}

export interface World {
  network: NetworkFixture;
  registry: TestRegistry;
  image: string;
  corrald?: Corrald;
  containerd?: ReferenceContainerd;
  sides: Side[];
}

/** `debugLog`: corrald logs at debug level, so its per-step timings can be read from `corrald.logs`. */
export async function startWorld(debugLog = false): Promise<World> {
  if (!referenceInstalled()) await run('bash', [SETUP_REFERENCE]);
  const network = await NetworkFixture.create();
  const world: World = { network, registry: await startTestRegistry(), image: '', sides: [] };
  try {
    await network.writeConflist([
      network.bridgePlugin(),
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ]);
    world.image = (await pushTestImages(world.registry)).busybox;
    await startCorral(world, debugLog);
    await startContainerd(world);
    for (const side of world.sides) await side.client.image('PullImage', { image: { image: world.image }, auth: null });
  } catch (err) {
    await stopWorld(world);
    throw err;
  }
  return world;
}

async function startCorral(world: World, debugLog: boolean): Promise<void> {
  const cgroupParent = `/corral-bench-vs-${process.pid}-corral`;
  const toml = [
    ...(debugLog ? ['log_level = "debug"'] : []),
    `default_cgroup_parent = "${cgroupParent}"`,
    '[cni]',
    `conf_dir = "${world.network.confDir}"`,
    `bin_dirs = ${JSON.stringify(PLUGIN_DIRS)}`,
    '',
  ].join('\n');
  // Without NODE_EXTRA_CA_CERTS, which some shells set and a service manager does not: Node reads
  // that file before any script runs (+55 ms per start on a system bundle; bench/daemon_start.ts).
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const started = process.hrtime.bigint();
  world.corrald = await Corrald.start({ configToml: toml, env });
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { client, pid, dirs } = world.corrald;
  world.sides.push({ name: 'corral', client, socket: dirs.socket, pid, cgroupParent, startMs });
}

async function startContainerd(world: World): Promise<void> {
  const cgroupParent = `/corral-bench-vs-${process.pid}-containerd`;
  // The infra image (a busybox sleeping forever); corral runs its own infra, containerd pulls one.
  const { pause } = await pushProbeImages(world.registry);
  const started = process.hrtime.bigint();
  world.containerd = await ReferenceContainerd.start(world.network.confDir, CNI_BIN_DIR, {
    registryHost: world.registry.host,
    sandboxImage: pause,
  });
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  await world.containerd.client.image('PullImage', { image: { image: pause }, auth: null });
  const { client, socket } = world.containerd;
  const pid = await socketOwnerPid(socket);
  if (!pid) throw new Error(`no process listens on ${socket}`);
  world.sides.push({
    name: 'containerd',
    client,
    socket,
    pid,
    cgroupParent,
    startMs,
  });
}

export async function stopWorld(world: World): Promise<void> {
  const errors: unknown[] = [];
  const step = (what: () => Promise<unknown>) => what().catch((err: unknown) => errors.push(err));
  if (world.corrald) {
    const corrald = world.corrald;
    await step(async () => {
      const { items } = await corrald.client.runtime('ListPodSandbox', {});
      for (const pod of items) await corrald.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
    });
    await step(() => corrald.stop());
    await step(() => corrald.removeDirs());
  }
  if (world.containerd) await step(() => world.containerd!.stop());
  for (const side of world.sides) await step(() => removeCgroupTree(side.cgroupParent));
  await step(() => world.registry.stop());
  await step(() => world.network.cleanup());
  if (errors.length > 0) throw errors[0];
}

/** A side's cgroup parent in every hierarchy, children first (runc leaves empty pod levels). */
async function removeCgroupTree(cgroupParent: string): Promise<void> {
  for (const dir of await cgroupParentDirs(cgroupParent)) await removeDirTree(dir);
}

async function removeDirTree(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeDirTree(path.join(dir, entry.name));
  await fs.rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
