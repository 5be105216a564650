// The lifecycle RPC handlers over a fake runtime: CRI shapes in and out, filters, events.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import type { ContainerConfig__Output } from '../proto/generated/runtime/v1/ContainerConfig';
import type { ContainerEventResponse } from '../proto/generated/runtime/v1/ContainerEventResponse';
import type { PodSandboxConfig__Output } from '../proto/generated/runtime/v1/PodSandboxConfig';
import { NotFoundError } from '../runtime/errors';
import type { Lifecycle } from '../runtime/lifecycle';
import { makeFakeWorld, openFakeLifecycle, type FakeWorld } from '../runtime/testing/fake_lifecycle';
import { defaultConfig } from './config/config';
import type { ServerContext } from './context';
import { containerCreate } from './container_create';
import { containerEvents } from './container_events';
import { containerExecSync } from './container_exec_sync';
import { containerList } from './container_list';
import { loadCriServices } from '../proto/load';
import type { EncodedResponse } from './encoded_response';
import type { ListContainersResponse__Output } from '../proto/generated/runtime/v1/ListContainersResponse';
import type { ListPodSandboxResponse__Output } from '../proto/generated/runtime/v1/ListPodSandboxResponse';
import { containerRemove } from './container_remove';
import { containerStart } from './container_start';
import { containerStatus } from './container_status';
import { containerStop } from './container_stop';
import { sandboxList } from './sandbox_list';
import { sandboxRemove } from './sandbox_remove';
import { sandboxRun } from './sandbox_run';
import { sandboxStatus } from './sandbox_status';
import { sandboxStop } from './sandbox_stop';

let world: FakeWorld;
let lifecycle: Lifecycle;
let ctx: ServerContext;
let pinned: string[];

beforeEach(async () => {
  world = await makeFakeWorld();
  lifecycle = await openFakeLifecycle(world);
  pinned = [];
  // Just enough of the image service: the sandbox image is present and not pinned yet.
  const images = {
    status: (ref: string) =>
      ref === defaultConfig().sandbox_image ? { id: 'sha256:pause', pinned: pinned.length > 0 } : undefined,
    setPinned: async (id: string) => {
      pinned.push(id);
    },
  };
  ctx = { config: defaultConfig(), version: 'test', lifecycle, images } as unknown as ServerContext;
});

afterEach(async () => {
  lifecycle.close();
  await fs.rm(world.dir, { recursive: true, force: true });
});

function podConfig(name: string): PodSandboxConfig__Output {
  return {
    metadata: { name, uid: `u-${name}`, namespace: 'ns', attempt: 1 },
    hostname: name,
    log_directory: '/tmp/logs',
    dns_config: { servers: ['10.0.0.10'], searches: ['svc.local'], options: ['ndots:5'] },
    port_mappings: [],
    labels: { app: name },
    annotations: { a: 'b' },
    windows: null,
    linux: {
      cgroup_parent: '/kubepods/pod-x',
      sysctls: {},
      overhead: null,
      resources: null,
      security_context: {
        namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '', userns_options: null },
        selinux_options: null,
        run_as_user: null,
        readonly_rootfs: false,
        supplemental_groups: [],
        privileged: false,
        seccomp_profile_path: '',
        run_as_group: null,
        seccomp: null,
        apparmor: null,
        supplemental_groups_policy: 'Merge',
      },
    },
  };
}

function containerConfig(name: string): ContainerConfig__Output {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox', annotations: {}, user_specified_image: 'busybox', runtime_handler: '', image_ref: '' },
    command: ['sleep'],
    args: ['100'],
    working_dir: '/tmp',
    envs: [{ key: 'GREETING', value: Buffer.from('hello') }],
    mounts: [],
    devices: [],
    labels: { role: name },
    annotations: {},
    log_path: `${name}.log`,
    stdin: false,
    stdin_once: false,
    tty: false,
    windows: null,
    CDI_devices: [],
    stop_signal: 'SIGNAL_SIGQUIT',
    linux: {
      resources: null,
      security_context: {
        capabilities: null,
        privileged: false,
        namespace_options: null,
        selinux_options: null,
        run_as_user: { value: '33' },
        run_as_username: '',
        readonly_rootfs: false,
        supplemental_groups: ['1000'],
        apparmor_profile: '',
        seccomp_profile_path: '',
        no_new_privs: true,
        run_as_group: null,
        masked_paths: [],
        readonly_paths: [],
        seccomp: null,
        apparmor: null,
        supplemental_groups_policy: 'Merge',
      },
    },
  };
}

async function runPod(name: string): Promise<string> {
  return (await sandboxRun(ctx, { config: podConfig(name), runtime_handler: '' })).pod_sandbox_id!;
}

async function create(podId: string, name: string): Promise<string> {
  return (
    await containerCreate(ctx, {
      pod_sandbox_id: podId,
      config: containerConfig(name),
      sandbox_config: podConfig('web'),
    })
  ).container_id!;
}

test('a pod and a container through their RPCs, with CRI-shaped statuses', async () => {
  const podId = await runPod('web');
  const id = await create(podId, 'app');
  await containerStart(ctx, { container_id: id });
  const { status, info } = await containerStatus(ctx, { container_id: id, verbose: true });
  assert.equal(status!.state, 'CONTAINER_RUNNING');
  assert.equal(status!.log_path, '/tmp/logs/app.log');
  assert.equal(status!.image!.image, 'docker.io/library/busybox:latest');
  assert.equal(status!.image_id, 'sha256:' + 'b'.repeat(64));
  assert.equal(status!.stop_signal, 'SIGNAL_SIGQUIT');
  assert.deepEqual(status!.user!.linux, { uid: 33, gid: 33, supplemental_groups: [33, 50, 1000] });
  const verbose = JSON.parse(info!.info) as {
    pid: number;
    runtimeSpec: { process: { env: string[]; noNewPrivileges: boolean; cwd: string } };
  };
  assert.ok(verbose.pid > 0);
  assert.ok(verbose.runtimeSpec.process.env.includes('GREETING=hello'));
  assert.equal(verbose.runtimeSpec.process.noNewPrivileges, true);
  assert.equal(verbose.runtimeSpec.process.cwd, '/tmp');

  assert.deepEqual(pinned, ['sha256:pause'], 'the sandbox image is pinned once');
  const pod = await sandboxStatus(ctx, { pod_sandbox_id: podId.slice(0, 10), verbose: true });
  assert.equal(pod.status!.state, 'SANDBOX_READY');
  assert.equal(pod.status!.network!.ip, '10.88.0.5');
  assert.equal(pod.status!.linux!.namespaces!.options!.pid, 'CONTAINER');
  assert.equal(pod.containers_statuses!.length, 1);

  await containerStop(ctx, { container_id: id, timeout: '10' });
  assert.ok(world.processes.calls.includes('signal SIGQUIT'), 'the configured stop signal is sent first');
  const stopped = (await containerStatus(ctx, { container_id: id, verbose: false })).status!;
  assert.equal(stopped.state, 'CONTAINER_EXITED');
  assert.equal(stopped.exit_code, 131);
  assert.notEqual(stopped.finished_at, '0');
  await containerRemove(ctx, { container_id: id });
  await sandboxStop(ctx, { pod_sandbox_id: podId });
  assert.equal((await sandboxStatus(ctx, { pod_sandbox_id: podId, verbose: false })).status!.state, 'SANDBOX_NOTREADY');
  await sandboxRemove(ctx, { pod_sandbox_id: podId });
  await assert.rejects(sandboxStatus(ctx, { pod_sandbox_id: podId, verbose: false }), NotFoundError);
});

test('list filters: state, pod, labels, id prefix', async () => {
  const web = await runPod('web');
  const db = await runPod('db');
  const a = await create(web, 'a');
  await create(db, 'b');
  await containerStart(ctx, { container_id: a });
  await sandboxStop(ctx, { pod_sandbox_id: db });
  const methods = loadCriServices().RuntimeService.service;
  const containers = async (r: Promise<EncodedResponse>) =>
    (methods.ListContainers.responseDeserialize((await r).bytes) as ListContainersResponse__Output).containers;
  const pods = async (r: Promise<EncodedResponse>) =>
    (methods.ListPodSandbox.responseDeserialize((await r).bytes) as ListPodSandboxResponse__Output).items;
  const ids = (list: Array<{ id: string }>) => list.map((c) => c.id);
  const running = { id: '', state: { state: 'CONTAINER_RUNNING' as const }, pod_sandbox_id: '', label_selector: {} };
  assert.deepEqual(ids(await containers(containerList(ctx, { filter: running }))), [a]);
  const inWeb = { id: '', state: null, pod_sandbox_id: web.slice(0, 5), label_selector: {} };
  assert.deepEqual(ids(await containers(containerList(ctx, { filter: inWeb }))), [a]);
  const roleB = { id: '', state: null, pod_sandbox_id: '', label_selector: { role: 'b' } };
  assert.equal((await containers(containerList(ctx, { filter: roleB }))).length, 1);
  assert.equal((await containers(containerList(ctx, { filter: null }))).length, 2);
  const ready = { id: '', state: { state: 'SANDBOX_READY' as const }, label_selector: {} };
  assert.deepEqual(ids(await pods(sandboxList(ctx, { filter: ready }))), [web]);
  const dbPrefix = { id: db.slice(0, 12), state: null, label_selector: {} };
  assert.equal((await pods(sandboxList(ctx, { filter: dbPrefix }))).length, 1);
  // A status change replaces the record, so the list shows the new state, not a cached one.
  await containerStop(ctx, { container_id: a, timeout: '0' });
  const exited = (await containers(containerList(ctx, { filter: null }))).find((c) => c.id === a);
  assert.equal(exited?.state, 'CONTAINER_EXITED');
});

test('exec returns output and exit code', async () => {
  const podId = await runPod('web');
  const id = await create(podId, 'a');
  await containerStart(ctx, { container_id: id });
  world.processes.execResult = { exitCode: 3, stdout: Buffer.from('o'), stderr: Buffer.from('e'), timedOut: false };
  const result = await containerExecSync(ctx, { container_id: id, cmd: ['false'], timeout: '5' });
  assert.deepEqual([result.exit_code, String(result.stdout), String(result.stderr)], [3, 'o', 'e']);
});

test('GetContainerEvents streams lifecycle events with the pod status', async () => {
  const podId = await runPod('web');
  const subscribers = lifecycle.events.subscriberCount; // corrald's own (the container service's)
  const abort = new AbortController();
  const seen: ContainerEventResponse[] = [];
  const stream = containerEvents(
    ctx,
    {},
    (m) => {
      seen.push(m);
    },
    abort.signal,
  );
  const id = await create(podId, 'a');
  await containerStart(ctx, { container_id: id });
  await containerRemove(ctx, { container_id: id });
  abort.abort();
  await stream;
  assert.deepEqual(
    seen.map((e) => e.container_event_type),
    ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'],
  );
  assert.equal(seen[0].pod_sandbox_status!.id, podId);
  assert.equal(lifecycle.events.subscriberCount, subscribers);
});
