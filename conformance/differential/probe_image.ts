// The images the differential suite runs: busybox plus the probe, an image file under /data (for
// a mount over an image directory) and a group that lists the test user (for Merge vs Strict).
import { busyboxLayers, TEST_USER } from '../testimages/busybox_tree';
import { buildImage, type ImageConfigFields } from '../testimages/oci_image';
import { pushImage } from '../testimages/registry_push';
import type { TestRegistry } from '../testimages/registry_server';
import type { TreeEntry } from '../testimages/tree';
import { PROBE_PATH, PROBE_SCRIPT } from './probe_script';

/** A group the image's /etc/group gives the test user as a supplementary member. */
export const PROBE_MEMBER_GID = 2000;

const GROUP = `root:x:0:
nogroup:x:65534:
${TEST_USER.name}:x:${TEST_USER.gid}:
probers:x:${PROBE_MEMBER_GID}:${TEST_USER.name}
`;

const IMAGE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ENV = [IMAGE_PATH, 'PROBE_IMAGE_ENV=from-image'];

export interface ProbeImages {
  /** Entrypoint ["/probe"], Cmd ["image-cmd"]. */
  probe: string;
  /** The same with User "tester". */
  probeUser: string;
  /** Cmd ["/probe", "image-cmd-only"], no Entrypoint. */
  probeCmdOnly: string;
  /** Infra for the reference (corral runs its own): sleeps forever. */
  pause: string;
}

function probeLayer(): TreeEntry[] {
  return [
    { type: 'file', path: PROBE_PATH.slice(1), mode: 0o755, content: PROBE_SCRIPT },
    { type: 'dir', path: 'data', mode: 0o755 },
    { type: 'file', path: 'data/image-file', content: 'from the image\n' },
    { type: 'dir', path: 'mnt', mode: 0o755 },
    { type: 'file', path: 'etc/group', content: GROUP },
  ];
}

const IMAGES: Record<keyof ProbeImages, ImageConfigFields> = {
  probe: { Entrypoint: [PROBE_PATH], Cmd: ['image-cmd'], Env: ENV },
  probeUser: { Entrypoint: [PROBE_PATH], Cmd: ['image-cmd'], Env: ENV, User: TEST_USER.name },
  probeCmdOnly: { Cmd: [PROBE_PATH, 'image-cmd-only'], Env: ENV },
  pause: { Entrypoint: ['/bin/sleep', '2147483647'], Env: [IMAGE_PATH] },
};

export async function pushProbeImages(registry: TestRegistry): Promise<ProbeImages> {
  const { base, applets } = busyboxLayers();
  const layers = [base, applets, probeLayer()];
  const refs = {} as ProbeImages;
  for (const name of Object.keys(IMAGES) as Array<keyof ProbeImages>) {
    const repository = `corral-diff/${name.toLowerCase()}`;
    await pushImage(
      registry,
      await buildImage(name === 'pause' ? [base, applets] : layers, IMAGES[name]),
      repository,
      'latest',
    );
    refs[name] = `${registry.host}/${repository}:latest`;
  }
  return refs;
}
