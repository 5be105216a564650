// The set of test images every suite can pull, built once per process from busybox.
import { busyboxLayers, TEST_USER } from './busybox_tree';
import { buildImage, buildIndex, type BuiltImage } from './oci_image';
import { pushImage } from './registry_push';
import type { TestRegistry } from './registry_server';
import type { TreeEntry } from './tree';

export type TestImageName = 'busybox' | 'busyboxUser' | 'busyboxDocker' | 'multiArch' | 'whiteout' | 'pause';

/** Where each image lives on the registry, relative to its host. */
export const TEST_IMAGE_REPOS: Record<TestImageName, string> = {
  busybox: 'corral-test/busybox:latest',
  busyboxUser: 'corral-test/busybox-user:latest',
  busyboxDocker: 'corral-test/busybox-docker:latest',
  multiArch: 'corral-test/busybox-multi:latest',
  whiteout: 'corral-test/whiteout:latest',
  pause: 'corral-test/pause:3.9',
};

/** Full references ("127.0.0.1:PORT/corral-test/busybox:latest") plus each manifest's digest. */
export type PushedTestImages = Record<TestImageName, string> & { digests: Record<TestImageName, string> };

/** Files the whiteout image's top layer deletes or hides (for whiteout tests). */
export const WHITEOUT_FIXTURE = {
  kept: '/data/keep',
  deleted: '/data/gone',
  opaqueDir: '/data/dir',
  hiddenByOpaque: '/data/dir/old',
  addedAfterOpaque: '/data/dir/new',
};

let built: Promise<Record<TestImageName, BuiltImage>> | undefined;

export function buildTestImages(): Promise<Record<TestImageName, BuiltImage>> {
  built ??= buildAll();
  return built;
}

async function buildAll(): Promise<Record<TestImageName, BuiltImage>> {
  const { base, applets } = busyboxLayers();
  const layers = [base, applets];
  const shell = { Cmd: ['sh'] };
  const arm = await buildImage(layers, shell, 'oci', 'arm64');
  const amd = await buildImage(layers, shell);
  return {
    busybox: amd,
    busyboxUser: await buildImage(layers, { ...shell, User: TEST_USER.name }),
    busyboxDocker: await buildImage(layers, shell, 'docker'),
    multiArch: buildIndex([
      { image: arm, architecture: 'arm64' },
      { image: amd, architecture: 'amd64' },
    ]),
    whiteout: await buildImage([...layers, ...whiteoutLayers()], shell),
    pause: await buildImage(layers, { Entrypoint: ['/bin/sleep', '2147483647'] }),
  };
}

function whiteoutLayers(): TreeEntry[][] {
  const lower: TreeEntry[] = [
    { type: 'dir', path: 'data' },
    { type: 'dir', path: 'data/dir' },
    { type: 'file', path: 'data/keep', content: 'keep\n' },
    { type: 'file', path: 'data/gone', content: 'gone\n' },
    { type: 'file', path: 'data/dir/old', content: 'old\n' },
  ];
  const upper: TreeEntry[] = [
    { type: 'dir', path: 'data' },
    { type: 'dir', path: 'data/dir' },
    { type: 'file', path: 'data/.wh.gone', content: '' },
    { type: 'file', path: 'data/dir/.wh..wh..opq', content: '' },
    { type: 'file', path: 'data/dir/new', content: 'new\n' },
  ];
  return [lower, upper];
}

export async function pushTestImages(registry: TestRegistry): Promise<PushedTestImages> {
  const images = await buildTestImages();
  const refs = {} as Record<TestImageName, string>;
  const digests = {} as Record<TestImageName, string>;
  for (const name of Object.keys(TEST_IMAGE_REPOS) as TestImageName[]) {
    const [repository, tag] = TEST_IMAGE_REPOS[name].split(':');
    await pushImage(registry, images[name], repository, tag);
    refs[name] = `${registry.host}/${TEST_IMAGE_REPOS[name]}`;
    digests[name] = images[name].digest;
  }
  return { ...refs, digests };
}
