// A hostile container with CAP_SYS_PTRACE in a pod that shares its pid namespace reaches nothing
// of the host through any /proc/<pid> it sees: not through the pod's pause (pid 1), not through a
// sibling's init waiting for StartContainer or still being created, not through the process an
// ExecSync forks into the container. proc_prober (prober/proc_prober.c, built here) plays the attacker. corrald runs with
// a marker variable in its environment that must never show up in a container. The seize watch runs
// again with the kernel's newer way to /proc (fsconfig "pidns", Linux 6.15) turned off, as on
// Debian 12's 6.1 (the QEMU guest runs it on a real 6.1: conformance/security/older_kernel_guest.ts).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';
import {
  assertCreatedInitsReduced,
  assertNoMoreThan,
  buildProber,
  capEff,
  container,
  observations,
  removePod,
  sh,
  sharedPidPod,
  type ProbeWorld,
} from './testing/shared_pid_pod';

const HOST_ENV = 'CORRAL_HOST_ENV';
const OLDER_KERNEL_TOML = '[kernel]\nproc_pidns_fsconfig = false\n';

let worlds: LifecycleWorld[] = [];
let w: ProbeWorld;
let older: ProbeWorld;
let proberDir: string;

before(async () => {
  proberDir = await buildProber();
  process.env[HOST_ENV] = 'host-secret';
  try {
    worlds = [await startWorld('isolation'), await startWorld('isolation-older', OLDER_KERNEL_TOML)];
  } finally {
    delete process.env[HOST_ENV];
  }
  w = { ...worlds[0], proberDir };
  older = { ...worlds[1], proberDir };
});
after(async () => {
  for (const world of worlds) await stopWorld(world);
  if (proberDir) await fs.rm(proberDir, { recursive: true, force: true });
});

describe('host isolation from a CAP_SYS_PTRACE container in a shared pid namespace', () => {
  it('the pause (pid 1): empty environment and read-only empty root, no capabilities, sealed binary', async () => {
    const pod = await sharedPidPod(w, 'pause-probe');
    try {
      const attacker = await container(w, pod, 'attacker', ['SYS_PTRACE']);
      assert.equal((await sh(w, attacker, 'wc -c < /proc/1/environ')).out, '0', "corrald's environment");
      assert.equal((await sh(w, attacker, 'ls -A /proc/1/root/ /proc/1/cwd/ | grep -v : | grep .')).out, '');
      assert.equal((await sh(w, attacker, 'readlink /proc/1/cwd')).out, '/');
      const write = await sh(w, attacker, 'touch /proc/1/root/written && echo WROTE');
      assert.notEqual(write.out, 'WROTE', 'the pause root is read-only');
      const status = (await sh(w, attacker, 'cat /proc/1/status')).out;
      assert.match(status, /^CapEff:\s+0000000000000000$/m);
      assert.match(status, /^CapBnd:\s+0000000000000000$/m);
      assert.match(status, /^NoNewPrivs:\s+1$/m);
      assert.notEqual((await sh(w, attacker, '/probe/proc_prober exe 1')).out, 'writable');
      const plain = await container(w, pod, 'plain', []);
      assert.match((await sh(w, plain, '/probe/proc_prober attach 1')).out, /^denied/, 'non-dumpable');
    } finally {
      await removePod(w, pod);
    }
  });

  it("a sibling's init waiting for StartContainer is already the container's and shows nothing of the host", async () => {
    const pod = await sharedPidPod(w, 'init-probe');
    try {
      const attacker = await container(w, pod, 'attacker', ['SYS_PTRACE']);
      const plain = await container(w, pod, 'plain', []);
      const waiting = await container(w, pod, 'waiting', [], false);
      // CreateContainer returns before the monitor's setup of the init ends (docs/lifecycle.md).
      let seen: Array<Record<string, string>> = [];
      const waitingInit = () => seen.find((s) => s.exe.includes('corral-monitor'));
      for (let i = 0; i < 100 && !waitingInit(); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        seen = observations((await sh(w, attacker, '/probe/proc_prober scan 0')).out);
      }
      const init = waitingInit();
      assert.ok(init, `the waiting init is visible: ${JSON.stringify(seen)}`);
      const attach = (await sh(w, plain, `/probe/proc_prober attach ${init.pid}`)).out;
      await w.daemon.client.runtime('StartContainer', { container_id: waiting });
      assertNoMoreThan(init, await capEff(w, waiting), 'the waiting init');
      assert.match(attach, /^denied/, 'the waiting init is non-dumpable');
    } finally {
      await removePod(w, pod);
    }
  });

  it("an init being created is never visible holding more than the container's or the host's root", async () => {
    await assertCreatedInitsReduced(w, 'create-probe', 10);
  });

  it('the same on a kernel without fsconfig "pidns" (before Linux 6.15)', async () => {
    await assertCreatedInitsReduced(older, 'create-probe-older', 10);
  });

  it('an init joining a target container\'s pid namespace, also without fsconfig "pidns"', async () => {
    await assertCreatedInitsReduced(w, 'target-probe', 5, 'TARGET');
    await assertCreatedInitsReduced(older, 'target-probe-older', 5, 'TARGET');
  });

  it("no process an ExecSync forks into the container holds more than the container's", async () => {
    const pod = await sharedPidPod(w, 'exec-probe');
    try {
      const attacker = await container(w, pod, 'attacker', ['SYS_PTRACE']);
      const target = await container(w, pod, 'target', []);
      const allowed = await capEff(w, target);
      const watch = sh(w, attacker, '/probe/proc_prober watch 8000', 30);
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 40; i++) await sh(w, target, 'true');
      await sh(w, target, 'sleep 1');
      const seen = observations((await watch).out);
      assert.ok(seen.length > 0, 'the prober saw the exec commands');
      for (const s of seen) assertNoMoreThan(s, allowed, `pid ${s.pid}`);
    } finally {
      await removePod(w, pod);
    }
  });
});
