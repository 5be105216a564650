// A test registry with the test images pushed, started before a test file's tests and stopped
// after them (node:test hooks).
import { after, before } from 'node:test';
import { startTestRegistry, type TestRegistry, type TestRegistryOptions } from './registry_server';
import { pushTestImages, type PushedTestImages } from './test_images';

export interface SuiteRegistry {
  readonly registry: TestRegistry;
  readonly images: PushedTestImages;
}

/** `setUp` runs after the push, inside the same hook (root-level hooks may not run in order). */
export function suiteRegistry(
  opts: TestRegistryOptions = {},
  setUp?: (suite: SuiteRegistry) => Promise<void>,
): SuiteRegistry {
  let registry: TestRegistry | undefined;
  let images: PushedTestImages | undefined;
  before(async () => {
    registry = await startTestRegistry(opts);
    images = await pushTestImages(registry);
    await setUp?.(suite);
  });
  after(async () => {
    await registry?.stop();
  });
  const suite: SuiteRegistry = {
    get registry() {
      if (!registry) throw new Error('suite registry not started');
      return registry;
    },
    get images() {
      if (!images) throw new Error('suite registry not started');
      return images;
    },
  };
  return suite;
}
