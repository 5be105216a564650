// A corrald on a private CNI network (the test's own conf dir, bridge, subnet and IPAM store),
// with the busybox test image pulled, for the pod networking end-to-end tests.
import * as http from 'node:http';
import { Corrald, type CorraldDirs } from '../harness/corrald';
import { pushTestImages, startTestRegistry, type PushedTestImages, type TestRegistry } from '../testimages';
import { NetworkFixture, PLUGIN_DIRS } from '../../runtime/network/testing/fixture';
import { cgroupParentDirs } from '../lifecycle/fixture';
import { promises as fs } from 'node:fs';

export interface NetworkWorld {
  fx: NetworkFixture;
  registry: TestRegistry;
  images: PushedTestImages;
  cgroupParent: string;
  daemon: Corrald;
  /** More corrald config (TOML tables after [cni]). */
  extraToml: string;
}

function daemonToml(world: Pick<NetworkWorld, 'fx' | 'cgroupParent' | 'extraToml'>): string {
  return [
    `default_cgroup_parent = "${world.cgroupParent}"`,
    '[cni]',
    `conf_dir = "${world.fx.confDir}"`,
    `bin_dirs = ${JSON.stringify(PLUGIN_DIRS)}`,
    world.extraToml,
    '',
  ].join('\n');
}

/** The fixture's bridge (+ host-local in its own store) and portmap, the shape of deploy/cni's. */
export async function startNetworkWorld(name: string, extraToml = ''): Promise<NetworkWorld> {
  const fx = await NetworkFixture.create();
  await fx.writeConflist([fx.bridgePlugin(), { type: 'portmap', capabilities: { portMappings: true }, snat: true }]);
  const registry = await startTestRegistry();
  const images = await pushTestImages(registry);
  const cgroupParent = `/corral-e2e-net-${name}-${process.pid}`;
  const daemon = await Corrald.start({ configToml: daemonToml({ fx, cgroupParent, extraToml }) });
  await daemon.client.image('PullImage', { image: { image: images.busybox }, auth: null });
  return { fx, registry, images, cgroupParent, daemon, extraToml };
}

export async function restartDaemon(world: NetworkWorld, dirs: CorraldDirs): Promise<void> {
  world.daemon = await Corrald.start({ configToml: daemonToml(world), dirs });
}

export async function stopNetworkWorld(world: NetworkWorld | undefined): Promise<void> {
  if (!world) return;
  // A failed test may leave pods; their infra and containers outlive corrald, so remove them first.
  const { items } = await world.daemon.client.runtime('ListPodSandbox', {});
  for (const pod of items) await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
  await world.daemon.stop();
  await world.daemon.removeDirs();
  await world.registry.stop();
  for (const dir of await cgroupParentDirs(world.cgroupParent)) await fs.rmdir(dir);
  await world.fx.cleanup();
}

/** GET http://host:port/ from the test process; resolves with the body. */
export function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path: '/', agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
  });
}
