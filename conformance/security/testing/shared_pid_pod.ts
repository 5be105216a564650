// Test scaffolding: a pod sharing its pid namespace, `sleep` containers with the proc_prober
// (../prober/proc_prober.c, built here) at /probe, and the seize watch host_isolation.test.ts and
// the guest's older-kernel check run: a CAP_SYS_PTRACE container seizes every process that
// appears while containers are created in its pod, and none may hold more than the container.
import type { NamespaceOption } from '../../../proto/generated/runtime/v1/NamespaceOption';
import type { PodSandboxConfig } from '../../../proto/generated/runtime/v1/PodSandboxConfig';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CriClient } from '../../../cli/cri_client';
import type { Corrald } from '../../harness/corrald';
import type { PushedTestImages } from '../../testimages';
import { containerConfig, podConfig } from '../../lifecycle/fixture';
import { TESTIMAGES_CACHE } from '../../testimages/busybox_deb';

const PROBER_SOURCE = path.resolve(__dirname, '../../../../conformance/security/prober/proc_prober.c');
export const SHARED_PID: NamespaceOption = { network: 'POD', pid: 'POD', ipc: 'POD' };

export interface ProbeWorld {
  daemon: Corrald;
  images: PushedTestImages;
  /** A host directory (0755) holding proc_prober; it exists only on the host. */
  proberDir: string;
}

export interface Pod {
  id: string;
  config: PodSandboxConfig;
}

/** proc_prober built once per source into the test-image cache (the QEMU guests read it there
 *  instead of compiling under emulation). */
export async function proberBinary(cacheDir = TESTIMAGES_CACHE): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(PROBER_SOURCE)).digest('hex').slice(0, 16);
  const binary = path.join(cacheDir, `proc_prober-${hash}`);
  if (existsSync(binary)) return binary;
  await fs.mkdir(cacheDir, { recursive: true });
  const temp = `${binary}.${process.pid}.tmp`;
  await promisify(execFile)('cc', ['-static', '-O2', '-o', temp, PROBER_SOURCE]);
  await fs.rename(temp, binary);
  return binary;
}

/** A new temporary directory (0755) holding proc_prober; the caller removes it. */
export async function buildProber(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-e2e-prober-'));
  await fs.chmod(dir, 0o755);
  await fs.copyFile(await proberBinary(), path.join(dir, 'proc_prober'));
  await fs.chmod(path.join(dir, 'proc_prober'), 0o755);
  return dir;
}

export async function sharedPidPod(w: ProbeWorld, name: string, namespaces = SHARED_PID): Promise<Pod> {
  const config = podConfig(name, {
    linux: { security_context: { namespace_options: namespaces } },
  });
  const { pod_sandbox_id: id } = await w.daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
  return { id, config };
}

export async function removePod(w: ProbeWorld, pod: Pod): Promise<void> {
  await w.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: pod.id });
  await w.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: pod.id });
}

/** Creates (and unless told otherwise starts) a `sleep` container with the prober at /probe. */
export async function container(
  w: ProbeWorld,
  pod: Pod,
  name: string,
  addCaps: string[],
  start = true,
  namespaces = SHARED_PID,
): Promise<string> {
  const config = containerConfig(w.images.busybox, name, ['sleep', '1000'], {
    mounts: [{ container_path: '/probe', host_path: w.proberDir, readonly: true }],
    linux: { security_context: { namespace_options: namespaces, capabilities: { add_capabilities: addCaps } } },
  });
  const client = w.daemon.client;
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config,
    sandbox_config: pod.config,
  });
  if (start) await client.runtime('StartContainer', { container_id: id });
  return id;
}

export async function sh(
  w: ProbeWorld,
  id: string,
  script: string,
  timeout = 10,
): Promise<{ out: string; err: string; code: number }> {
  // The call's deadline outlasts the exec's own timeout (a watch runs for minutes on a busy CI machine).
  const client = timeout > 30 ? new CriClient(`unix://${w.daemon.dirs.socket}`, (timeout + 30) * 1000) : undefined;
  const r = await (client ?? w.daemon.client)
    .runtime('ExecSync', { container_id: id, cmd: ['sh', '-c', script], timeout })
    .finally(() => client?.close());
  return { out: r.stdout.toString().trim(), err: r.stderr.toString().trim(), code: r.exit_code };
}

export async function capEff(w: ProbeWorld, id: string): Promise<bigint> {
  return BigInt(`0x${(await sh(w, id, 'grep CapEff: /proc/self/status | cut -f2')).out}`);
}

/** One line of `proc_prober watch|scan`: key=value fields. */
export function observations(text: string): Array<Record<string, string>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('pid='))
    .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])));
}

export function assertNoMoreThan(seen: Record<string, string>, allowed: bigint, what: string): void {
  const caps = BigInt(`0x${seen.capeff}`);
  assert.equal(caps & ~allowed, 0n, `${what} holds capabilities the container lacks: ${JSON.stringify(seen)}`);
  assert.equal(seen.host_env, '0', `${what} shows corrald's environment: ${JSON.stringify(seen)}`);
  if (seen.exe.includes('corral'))
    assert.notEqual(seen.exe_state, 'writable', `${what} runs a writable host binary: ${JSON.stringify(seen)}`);
}

const OWN_PID: NamespaceOption = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' };

/**
 * A CAP_SYS_PTRACE container seizes every process that appears while `creates` containers are
 * created beside it and removed: it must see inits, and none holding more capabilities than its
 * own or the host's root. POD: they share the pod's pid namespace; TARGET: they join the
 * attacker's own (as `kubectl debug --target` does).
 */
export async function assertCreatedInitsReduced(
  w: ProbeWorld,
  name: string,
  creates: number,
  mode: 'POD' | 'TARGET' = 'POD',
): Promise<void> {
  const pod = await sharedPidPod(w, name, mode === 'POD' ? SHARED_PID : OWN_PID);
  try {
    const attacker = await container(w, pod, 'attacker', ['SYS_PTRACE'], true, mode === 'POD' ? SHARED_PID : OWN_PID);
    const joining: NamespaceOption = mode === 'POD' ? SHARED_PID : { ...OWN_PID, pid: 'TARGET', target_id: attacker };
    const allowed = await capEff(w, attacker);
    const watch = sh(w, attacker, `/probe/proc_prober watch 120000 /tmp/stop ${w.proberDir}`, 150);
    // Awaited below; a rejection meanwhile (its deadline, say) must not become an unhandled
    // rejection, which node:test reports in place of the loop's own error.
    watch.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < creates; i++) {
      const id = await container(w, pod, `created-${i}`, [], false, joining);
      await w.daemon.client.runtime('RemoveContainer', { container_id: id });
    }
    await sh(w, attacker, 'touch /tmp/stop');
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
    await removePod(w, pod);
  }
}
