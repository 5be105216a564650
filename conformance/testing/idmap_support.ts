// Test scaffolding: why a user-namespaced pod cannot run here, if so. Its rootfs layers and the
// pod's files live under the test's roots (in os.tmpdir()); on tmpfs they can be idmapped only
// from Linux 6.3 (the pure-v2 QEMU guest has 6.1 and a tmpfs /tmp).
import { statfsSync } from 'node:fs';
import * as os from 'node:os';

const TMPFS_MAGIC = 0x01021994;

export function whyNoIdmappedRoots(): string | undefined {
  const [major, minor] = os.release().split('.').map(Number);
  const old = major < 6 || (major === 6 && minor < 3);
  if (old && statfsSync(os.tmpdir()).type === TMPFS_MAGIC)
    return `the test roots are on tmpfs, which Linux ${os.release()} cannot idmap (6.3 can)`;
  return undefined;
}
