// The seize watch of host_isolation.test.ts on the kernel most nodes run, Debian 12's 6.1, which
// has no fsconfig "pidns" (Linux 6.15): an init created in a pod sharing its pid namespace is
// never visible there holding more than the container's capabilities or the host's root, nor one
// joining a target container's pid namespace (kubectl debug --target). Not a
// *.test file: the pure-v2 QEMU guest loads it with the fidelity suites (fidelity/together.ts),
// sharing their corrald (testing/shared_world.ts); on the host, host_isolation.test.ts runs it
// with that kernel path turned off instead.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { after, before, test } from 'node:test';
import type { NetworkWorld } from '../network/world';
import { acquireWorld, releaseWorld } from '../testing/shared_world';
import { assertCreatedInitsReduced, buildProber } from './testing/shared_pid_pod';

let world: NetworkWorld;
let proberDir: string;

before(async () => {
  world = await acquireWorld('older-kernel');
  proberDir = await buildProber();
});
after(async () => {
  await releaseWorld();
  if (proberDir) await fs.rm(proberDir, { recursive: true, force: true });
});

test("an init created in a shared pid namespace never shows more than the container's (this kernel)", async (t) => {
  t.diagnostic(`kernel ${os.release()}`);
  await assertCreatedInitsReduced({ ...world, proberDir }, 'older-kernel', 3);
  // Joining a target container's pid namespace: its /proc cloned from the target's mount namespace.
  await assertCreatedInitsReduced({ ...world, proberDir }, 'older-kernel-target', 2, 'TARGET');
});
