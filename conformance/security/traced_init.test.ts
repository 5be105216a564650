// A hostile container with CAP_SYS_PTRACE in a pod sharing its pid namespace seizes a sibling's
// init and never waits for it (proc_prober hold). When StopContainer kills that init, its exit
// goes to the tracer first: the zombie is hidden from its parent, the monitor, as long as the
// tracer lives. corrald must still finish the stop promptly with the exit of a SIGKILLed process
// (137), answer other RPCs meanwhile, and remove the container leaving no mount, cgroup, record or
// monitor behind. (Before: StopContainer waited for the monitor's report until the caller's
// deadline.)
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { CriClient } from '../../cli/cri_client';
import {
  cgroupsNamed,
  containerConfig,
  eventually,
  grpcCode,
  isAlive,
  mountsUnder,
  startWorld,
  stopWorld,
  type LifecycleWorld,
} from '../lifecycle/fixture';
import {
  SHARED_PID,
  buildProber,
  container,
  removePod,
  sh,
  sharedPidPod,
  type Pod,
  type ProbeWorld,
} from './testing/shared_pid_pod';

/** Far above what a prompt stop takes, far below the 60 s the old code waited (until the deadline). */
const STOP_DEADLINE_MS = 20_000;
const VICTIM_COMMAND = ['sleep', '4242'];

let world: LifecycleWorld | undefined;
let w: ProbeWorld & LifecycleWorld;
let proberDir: string;

before(async () => {
  proberDir = await buildProber();
  world = await startWorld('traced-init');
  w = { ...world, proberDir };
});
after(async () => {
  await stopWorld(world);
  if (proberDir) await fs.rm(proberDir, { recursive: true, force: true });
});

/** The host pid of the process running exactly `command` (test-only scan of the host's /proc). */
async function hostPidOf(command: string[]): Promise<number> {
  const wanted = command.join('\0') + '\0';
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === wanted) return Number(name);
  }
  throw new Error(`no process runs ${command.join(' ')}`);
}

function statusField(pid: number, field: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return (line ?? '').split(/\s+/)[1] ?? '';
}

const cgroupsOf = (id: string): Promise<string[]> => cgroupsNamed(w.cgroupParent, id);

/** A pod with the attacker and a victim whose init the attacker holds seized; returns their ids. */
async function seizedVictim(pod: Pod, client: CriClient): Promise<{ attacker: string; victim: string; init: number }> {
  const attacker = await container(w, pod, 'attacker', ['SYS_PTRACE']);
  const config = containerConfig(w.images.busybox, 'victim', VICTIM_COMMAND, {
    linux: { security_context: { namespace_options: SHARED_PID } },
  });
  const { container_id: victim } = await client.runtime('CreateContainer', {
    pod_sandbox_id: pod.id,
    config,
    sandbox_config: pod.config,
  });
  await client.runtime('StartContainer', { container_id: victim });
  const init = await hostPidOf(VICTIM_COMMAND);
  const find = `for d in /proc/[0-9]*; do [ "$(tr '\\0' ' ' < $d/cmdline)" = "${VICTIM_COMMAND.join(' ')} " ] && echo \${d#/proc/}; done`;
  const inPod = (await sh(w, attacker, find)).out;
  assert.match(inPod, /^\d+$/, 'the attacker sees the victim');
  await sh(w, attacker, `setsid /probe/proc_prober hold ${inPod} 600000 >/tmp/hold 2>&1 </dev/null &`);
  await eventually('the tracer to seize the init', async () => (await sh(w, attacker, 'cat /tmp/hold')).out === 'held');
  assert.notEqual(statusField(init, 'TracerPid'), '0', 'the init is traced');
  return { attacker, victim, init };
}

/** Removal left nothing of the victim: record, mounts, cgroups, monitor; the attacker still runs. */
async function assertRemoved(client: CriClient, attacker: string, victim: string, monitor: number): Promise<void> {
  assert.equal(
    await grpcCode(client.runtime('ContainerStatus', { container_id: victim, verbose: false })),
    'NOT_FOUND',
  );
  assert.deepEqual(
    mountsUnder(w.daemon.dirs.base).filter((m) => m.includes(victim)),
    [],
    'no mount of the container left',
  );
  assert.deepEqual(await cgroupsOf(victim), [], 'no cgroup of the container left');
  await eventually('the monitor to be gone', async () => !isAlive(monitor));
  assert.equal((await sh(w, attacker, 'echo alive')).out, 'alive', 'the pod still works');
}

it('StopContainer, then RemoveContainer, of a container whose killed init a sibling tracer holds as a zombie', async () => {
  const pod = await sharedPidPod(w, 'traced-stop');
  const client = new CriClient(`unix://${w.daemon.dirs.socket}`, STOP_DEADLINE_MS);
  try {
    const { attacker, victim, init } = await seizedVictim(pod, client);
    const monitor = Number(statusField(init, 'PPid'));
    // SIGTERM leaves a traced init in signal-delivery-stop (the tracer never resumes it); the
    // SIGKILL after the grace period makes it the tracer's zombie.
    const stopped = grpcCode(client.runtime('StopContainer', { container_id: victim, timeout: 1 }));
    const listed = await client.runtime('ListContainers', {});
    assert.ok(listed.containers.length >= 2, 'other RPCs answer while the stop waits');
    assert.equal(await stopped, 'OK', 'StopContainer finished before its deadline');
    assert.match(statusField(init, 'State'), /^[ZX]/, 'the init is a zombie the tracer holds');

    const { status } = await client.runtime('ContainerStatus', { container_id: victim, verbose: false });
    assert.equal(status?.state, 'CONTAINER_EXITED');
    assert.equal(status?.exit_code, 137, 'the exit of a SIGKILLed process');

    assert.equal(await grpcCode(client.runtime('RemoveContainer', { container_id: victim })), 'OK');
    await assertRemoved(client, attacker, victim, monitor);
  } finally {
    client.close();
    await removePod(w, pod);
  }
});

it('RemoveContainer of a running container whose killed init a sibling tracer holds as a zombie', async () => {
  const pod = await sharedPidPod(w, 'traced-remove');
  const client = new CriClient(`unix://${w.daemon.dirs.socket}`, STOP_DEADLINE_MS);
  try {
    const { attacker, victim, init } = await seizedVictim(pod, client);
    const monitor = Number(statusField(init, 'PPid'));
    assert.equal(await grpcCode(client.runtime('RemoveContainer', { container_id: victim })), 'OK');
    assert.match(statusField(init, 'State'), /^[ZX]/, 'the init is a zombie the tracer holds');
    await assertRemoved(client, attacker, victim, monitor);
  } finally {
    client.close();
    await removePod(w, pod);
  }
});
