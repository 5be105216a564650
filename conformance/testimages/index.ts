// The offline test-image kit: a local docker-registry, busybox images pushed to it, and an
// unpacked busybox rootfs for process-level tests. See README.md.
export {
  startTestRegistry,
  type TestRegistry,
  type TestRegistryOptions,
  type RegistryCredentials,
} from './registry_server';
export {
  pushTestImages,
  buildTestImages,
  TEST_IMAGE_REPOS,
  WHITEOUT_FIXTURE,
  type PushedTestImages,
  type TestImageName,
} from './test_images';
export { buildBusyboxRootfs, TEST_USER } from './busybox_tree';
export { buildImage, buildIndex, sha256, MEDIA, type BuiltImage, type ImageConfigFields } from './oci_image';
export { pushImage } from './registry_push';
export { startRegistryProxy, type RegistryProxy, type RegistryProxyOptions, type Tamper } from './registry_proxy';
export { writeOciLayout } from './oci_layout';
export { treeToTar, writeTree, TREE_MTIME, type TreeEntry } from './tree';
export { suiteRegistry, type SuiteRegistry } from './suite_registry';
