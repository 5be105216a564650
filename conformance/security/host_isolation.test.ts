// A hostile container with CAP_SYS_PTRACE in a pod that shares its pid namespace reaches nothing
// of the host through any /proc/<pid> it sees: not through the pod's pause (pid 1), not through a
// sibling's init waiting for StartContainer or still being created, not through the process an
// ExecSync forks into the container. proc_prober (prober/proc_prober.c, built here) plays the attacker. corrald runs with
// a marker variable in its environment that must never show up in a container.
import type { NamespaceOption } from '../../proto/generated/runtime/v1/NamespaceOption';
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CriClient } from '../../cli/cri_client';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

const HOST_ENV = 'CORRAL_HOST_ENV';
const PROBER_SOURCE = path.resolve(__dirname, '../../../conformance/security/prober/proc_prober.c');
const SHARED_PID: NamespaceOption = { network: 'POD', pid: 'POD', ipc: 'POD' };

let world: LifecycleWorld;
let proberDir: string;

before(async () => {
  proberDir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-e2e-prober-'));
  await fs.chmod(proberDir, 0o755);
  const prober = path.join(proberDir, 'proc_prober');
  await promisify(execFile)('cc', ['-static', '-O2', '-o', prober, PROBER_SOURCE]);
  process.env[HOST_ENV] = 'host-secret';
  try {
    world = await startWorld('isolation');
  } finally {
    delete process.env[HOST_ENV];
  }
});
after(async () => {
  await stopWorld(world);
  if (proberDir) await fs.rm(proberDir, { recursive: true, force: true });
});

interface Pod {
  id: string;
  config: PodSandboxConfig;
}

async function sharedPidPod(name: string): Promise<Pod> {
  const config = podConfig(name, {
    linux: { security_context: { namespace_options: SHARED_PID } },
  });
  const { pod_sandbox_id: id } = await world.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  return { id, config };
}

async function removePod(pod: Pod): Promise<void> {
  await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
  await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
}

/** Creates (and unless told otherwise starts) a `sleep` container with the prober at /probe. */
async function container(pod: Pod, name: string, addCaps: string[], start = true): Promise<string> {
  const config = containerConfig(world.images.busybox, name, ['sleep', '1000'], {
    mounts: [{ container_path: '/probe', host_path: proberDir, readonly: true }],
    linux: { security_context: { namespace_options: SHARED_PID, capabilities: { add_capabilities: addCaps } } },
  });
  const client = world.daemon.client;
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config,
    sandbox_config: pod.config,
  });
  if (start) await client.runtime('StartContainer', { container_id: id });
  return id;
}

async function sh(id: string, script: string, timeout = 10): Promise<{ out: string; err: string; code: number }> {
  // The call's deadline outlasts the exec's own timeout (a watch runs for minutes on a busy CI machine).
  const client = timeout > 30 ? new CriClient(`unix://${world.daemon.dirs.socket}`, (timeout + 30) * 1000) : undefined;
  const r = await (client ?? world.daemon.client)
    .runtime('ExecSync', { container_id: id, cmd: ['sh', '-c', script], timeout })
    .finally(() => client?.close());
  return { out: r.stdout.toString().trim(), err: r.stderr.toString().trim(), code: r.exit_code };
}

async function capEff(id: string): Promise<bigint> {
  return BigInt(`0x${(await sh(id, 'grep CapEff: /proc/self/status | cut -f2')).out}`);
}

/** One line of `proc_prober watch|scan`: key=value fields. */
function observations(text: string): Array<Record<string, string>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('pid='))
    .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])));
}

function assertNoMoreThan(seen: Record<string, string>, allowed: bigint, what: string): void {
  const caps = BigInt(`0x${seen.capeff}`);
  assert.equal(caps & ~allowed, 0n, `${what} holds capabilities the container lacks: ${JSON.stringify(seen)}`);
  assert.equal(seen.host_env, '0', `${what} shows corrald's environment: ${JSON.stringify(seen)}`);
  if (seen.exe.includes('corral'))
    assert.notEqual(seen.exe_state, 'writable', `${what} runs a writable host binary: ${JSON.stringify(seen)}`);
}

describe('host isolation from a CAP_SYS_PTRACE container in a shared pid namespace', () => {
  it('the pause (pid 1): empty environment and read-only empty root, no capabilities, sealed binary', async () => {
    const pod = await sharedPidPod('pause-probe');
    try {
      const attacker = await container(pod, 'attacker', ['SYS_PTRACE']);
      assert.equal((await sh(attacker, 'wc -c < /proc/1/environ')).out, '0', "corrald's environment");
      assert.equal((await sh(attacker, 'ls -A /proc/1/root/ /proc/1/cwd/ | grep -v : | grep .')).out, '');
      assert.equal((await sh(attacker, 'readlink /proc/1/cwd')).out, '/');
      const write = await sh(attacker, 'touch /proc/1/root/written && echo WROTE');
      assert.notEqual(write.out, 'WROTE', 'the pause root is read-only');
      const status = (await sh(attacker, 'cat /proc/1/status')).out;
      assert.match(status, /^CapEff:\s+0000000000000000$/m);
      assert.match(status, /^CapBnd:\s+0000000000000000$/m);
      assert.match(status, /^NoNewPrivs:\s+1$/m);
      assert.notEqual((await sh(attacker, '/probe/proc_prober exe 1')).out, 'writable');
      const plain = await container(pod, 'plain', []);
      assert.match((await sh(plain, '/probe/proc_prober attach 1')).out, /^denied/, 'non-dumpable');
    } finally {
      await removePod(pod);
    }
  });

  it("a sibling's init waiting for StartContainer is already the container's and shows nothing of the host", async () => {
    const pod = await sharedPidPod('init-probe');
    try {
      const attacker = await container(pod, 'attacker', ['SYS_PTRACE']);
      const plain = await container(pod, 'plain', []);
      const waiting = await container(pod, 'waiting', [], false);
      const seen = observations((await sh(attacker, '/probe/proc_prober scan 0')).out);
      const init = seen.find((s) => s.exe.includes('corral-monitor'));
      assert.ok(init, `the waiting init is visible: ${JSON.stringify(seen)}`);
      const attach = (await sh(plain, `/probe/proc_prober attach ${init.pid}`)).out;
      await world.daemon.client.runtime('StartContainer', { container_id: waiting });
      assertNoMoreThan(init, await capEff(waiting), 'the waiting init');
      assert.match(attach, /^denied/, 'the waiting init is non-dumpable');
    } finally {
      await removePod(pod);
    }
  });

  it("an init being created is never visible holding more than the container's or the host's root", async () => {
    const pod = await sharedPidPod('create-probe');
    try {
      const attacker = await container(pod, 'attacker', ['SYS_PTRACE']);
      const allowed = await capEff(attacker);
      const watch = sh(attacker, `/probe/proc_prober watch 120000 /tmp/stop ${proberDir}`, 150);
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 10; i++) {
        const id = await container(pod, `created-${i}`, [], false);
        await world.daemon.client.runtime('RemoveContainer', { container_id: id });
      }
      await sh(attacker, 'touch /tmp/stop');
      const seen = observations((await watch).out);
      assert.ok(
        seen.some((s) => s.exe.includes('corral-monitor')),
        `the prober saw inits: ${JSON.stringify(seen)}`,
      );
      for (const s of seen) {
        assertNoMoreThan(s, allowed, `pid ${s.pid}`);
        assert.equal(s.host_root, '0', `pid ${s.pid} has the host's root: ${JSON.stringify(s)}`);
      }
    } finally {
      await removePod(pod);
    }
  });

  it("no process an ExecSync forks into the container holds more than the container's", async () => {
    const pod = await sharedPidPod('exec-probe');
    try {
      const attacker = await container(pod, 'attacker', ['SYS_PTRACE']);
      const target = await container(pod, 'target', []);
      const allowed = await capEff(target);
      const watch = sh(attacker, '/probe/proc_prober watch 8000', 30);
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 40; i++) await sh(target, 'true');
      await sh(target, 'sleep 1');
      const seen = observations((await watch).out);
      assert.ok(seen.length > 0, 'the prober saw the exec commands');
      for (const s of seen) assertNoMoreThan(s, allowed, `pid ${s.pid}`);
    } finally {
      await removePod(pod);
    }
  });
});
