// RunPodSandbox: reserve the name, make the pod's cgroup and /dev/shm, start the infra that
// holds (and pins) its namespaces, set up its network, write its /etc files. Any failure takes
// back every step.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nowNs } from '../clock';
import { infraNamespaces } from '../container/spec/namespaces';
import { InternalError, InvalidArgumentError } from '../errors';
import { newId } from '../ids';
import { moduleLogger } from '../log';
import type { SandboxInfra, UserNamespaceSpec } from '../process/contract';
import { removeDirWithMountPoints } from '../safe_remove';
import { StepTimer } from '../step_timer';
import { PRIVATE_DIR_MODE } from '../store/private_dir';
import { allSteps, UndoStack } from '../undo_stack';
import { sandboxName, type PodConfig } from './pod_config';
import { writePodCgroupsNote } from './pod_cgroups_note';
import { isHostNetwork, podHostname, writePodFiles } from './pod_files';
import type { PodNetworkSetUp } from './pod_network';
import { SHM_OPTIONS } from './pod_shm';
import { resolveSandboxSecurity } from '../security/sandbox_security';
import type { SandboxDeps } from './sandbox_deps';
import { infraBundleDir, pinDir, type SandboxMeta } from './sandbox_record';
import { readyStatus } from './sandbox_state';

const log = moduleLogger('sandbox');

function checkConfig(config: PodConfig): void {
  const { name, namespace, uid } = config.metadata;
  if (name === '' || namespace === '' || uid === '') {
    throw new InvalidArgumentError('pod sandbox metadata needs a name, a namespace and a uid');
  }
  if ([name, namespace, uid].some((part) => part.includes('/'))) {
    throw new InvalidArgumentError('pod sandbox name, namespace and uid must not contain "/"');
  }
}

/** The pod's security context checked before anything is made (bad sysctls, profiles or id maps fail here). */
async function podSecurity(config: PodConfig) {
  return resolveSandboxSecurity({
    privileged: config.privileged,
    sysctls: config.sysctls,
    hostNetwork: config.namespaces.network === 'NODE',
    hostIpc: config.namespaces.ipc === 'NODE',
    userNamespace: config.userNamespace,
    seccomp: config.seccomp,
    seccompProfilePath: config.seccompProfilePath,
    apparmor: config.apparmor,
    apparmorProfile: config.apparmorProfile,
  });
}

type PodSecurity = Awaited<ReturnType<typeof podSecurity>>;

export async function runSandbox(deps: SandboxDeps, config: PodConfig): Promise<string> {
  checkConfig(config);
  const security = await podSecurity(config);
  if (config.resources) deps.cgroups.validate(config.resources);
  const id = newId();
  const cgroupPath = deps.cgroups.podCgroupPath(config.cgroupParent, id, deps.defaultCgroupParent);
  const name = sandboxName(config.metadata);
  deps.store.reserveName(name, id);
  const undo = new UndoStack(log);
  const timer = new StepTimer(log, 'RunPodSandbox', { pod: id });
  try {
    const rootIds = security.userNamespace && containerRootIds(security.userNamespace);
    const meta = await makeSandboxDir(deps, config, { id, name, cgroupPath }, undo);
    const { infra, network } = await bringUp(deps, meta, { ...security, rootIds }, undo, timer);
    const { ips } = network;
    await timer.step('files written', writePodFiles(meta.sandboxDir, config, ips, rootIds));
    const status = readyStatus(
      infra.infra,
      infra.namespacePaths,
      ips.map((ip) => ({ ip })),
    );
    // The pod's record and the network's (what DEL needs) flushed in one round of fsyncs.
    const added = deps.store.add(id, meta, status).then(() => undo.push('pod record', () => deps.store.remove(id)));
    await timer.step('recorded', allSteps([added, network.recorded]));
    timer.done();
    return id;
  } catch (err) {
    await undo.unwind();
    deps.store.releaseName(name, id);
    throw err;
  }
}

/**
 * The cgroups, shm and infra, and the network. A pod network namespace of the host's user
 * namespace is made and pinned first (containerd too makes it before anything else), so CNI ADD
 * runs while the rest is made. Otherwise the infra makes it and ADD follows: in a pod's own user
 * namespace it must be that one's, and a pod's net.* sysctls are written before any plugin runs,
 * so a plugin setting the same key has the last word, as before.
 */
async function bringUp(
  deps: SandboxDeps,
  meta: SandboxMeta,
  security: PodSecurity & Pick<PodIds, 'rootIds'>,
  undo: UndoStack,
  timer: StepTimer,
): Promise<{ infra: SandboxInfra; network: PodNetworkSetUp }> {
  const netns = networkFirst(meta.config, security)
    ? await timer.step('netns pinned', deps.infra.pinNetworkNamespace(pinDir(meta)))
    : undefined;
  // The infra's helper is spawned while the cgroups and shm are made; it gets its spec after.
  const startAll = async () => {
    const prepared = timer.step('prepared', prepare(deps, meta, security.rootIds, undo));
    const started = timer.step('infra started', startInfra(deps, meta, security, netns, undo, prepared));
    return (await allSteps([prepared, started] as const))[1];
  };
  if (netns) {
    const network = timer.step('network set up', setUpNetwork(deps, meta, netns, undo));
    const [infra, attached] = await allSteps([startAll(), network] as const);
    return { infra, network: attached };
  }
  const infra = await startAll();
  const attached = await timer.step('network set up', setUpNetwork(deps, meta, infra.namespacePaths.net, undo));
  return { infra, network: attached };
}

function networkFirst(config: PodConfig, security: PodSecurity): boolean {
  if (isHostNetwork(config) || security.userNamespace) return false;
  return !Object.keys(security.sysctls).some((name) => name.startsWith('net.'));
}

interface PodIds {
  id: string;
  name: string;
  cgroupPath: string;
  /** The host ids of the container's root in a user-namespaced pod: the owner of its shm. */
  rootIds?: { uid: number; gid: number };
}

/**
 * The pod's directory, with the undo of everything pinned under it pushed at once: the infra's
 * pins and a network namespace pinned before it go only after every later step's undo (CNI DEL
 * among them) ran.
 */
async function makeSandboxDir(
  deps: SandboxDeps,
  config: PodConfig,
  ids: PodIds,
  undo: UndoStack,
): Promise<SandboxMeta> {
  const { id, name, cgroupPath } = ids;
  const sandboxDir = path.join(deps.sandboxesDir, id);
  const ownShm = path.join(sandboxDir, 'shm');
  await fs.mkdir(sandboxDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  undo.push('sandbox directory', () => removeDirWithMountPoints(sandboxDir, [ownShm]));
  const infraCgroupPath = deps.cgroups.infraCgroupPath(cgroupPath, id);
  writePodCgroupsNote(sandboxDir, { cgroupPath, infraCgroupPath });
  const meta: SandboxMeta = {
    id,
    name,
    config,
    createdAt: nowNs(),
    sandboxDir,
    cgroupPath,
    infraCgroupPath,
    shmPath: config.namespaces.ipc === 'NODE' ? '/dev/shm' : ownShm,
    hostname: podHostname(config),
  };
  undo.push('namespace pins', () => deps.infra.stopInfra(infraBundleDir(meta), pinDir(meta)));
  return meta;
}

/** The pod's cgroup (and the infra's in it) and its own /dev/shm, owned by `rootIds` when given. */
async function prepare(
  deps: SandboxDeps,
  meta: SandboxMeta,
  rootIds: PodIds['rootIds'],
  undo: UndoStack,
): Promise<void> {
  const { config, cgroupPath, infraCgroupPath, shmPath, sandboxDir } = meta;
  const makeCgroups = async () => {
    const cgroup = await deps.cgroups.create(cgroupPath);
    undo.push('pod cgroup', () => cgroup.remove({ killRemaining: true }));
    if (config.resources) await cgroup.apply(config.resources);
    const infra = await deps.cgroups.create(infraCgroupPath);
    // A failed start may leave its half-made process in the cgroup: killed, not waited for.
    undo.push('infra cgroup', () => infra.remove({ killRemaining: true }));
  };
  const makeShm = async () => {
    if (shmPath !== path.join(sandboxDir, 'shm')) return;
    // Owned by the container's root in a user namespace (else the unmapped host root, "nobody").
    const owner = rootIds ? `,uid=${rootIds.uid},gid=${rootIds.gid}` : '';
    await deps.mounts.mountTmpfs(shmPath, `${SHM_OPTIONS}${owner}`);
    undo.push('pod shm', () => deps.mounts.unmount(shmPath));
  };
  await allSteps([makeCgroups(), makeShm()] as const);
}

/** `netns`: the pod's network namespace pinned before, which the infra joins. */
async function startInfra(
  deps: SandboxDeps,
  meta: SandboxMeta,
  security: PodSecurity,
  netns: string | undefined,
  undo: UndoStack,
  prepared: Promise<void>,
): Promise<SandboxInfra> {
  const { sysctls, userNamespace } = security;
  const namespaces = infraNamespaces(meta.config.namespaces);
  if (netns) namespaces.net = { mode: 'join', path: netns };
  const infra = await deps.infra.startInfra(
    {
      id: meta.id,
      bundleDir: infraBundleDir(meta),
      hostname: meta.hostname,
      namespaces,
      sysctls,
      ...(userNamespace ? { userNamespace: { mode: 'new' as const, ...userNamespace } } : {}),
      cgroupProcsFiles: deps.cgroups.open(meta.infraCgroupPath).procsFiles(),
      pinDir: pinDir(meta),
    },
    prepared,
  );
  // Its pins go with the "namespace pins" step, after CNI DEL.
  undo.push('infra', () => deps.infra.killInfra(infraBundleDir(meta)));
  await deps.cgroups.open(meta.infraCgroupPath).attach?.(infra.infra.pid);
  return infra;
}

/** The host ids the pod's root is mapped to (container id 0 is always mapped, see user_namespace.ts). */
function containerRootIds(userns: UserNamespaceSpec): { uid: number; gid: number } {
  const hostOfRoot = (maps: UserNamespaceSpec['uidMappings']) => maps.find((m) => m.containerId === 0)!.hostId;
  return { uid: hostOfRoot(userns.uidMappings), gid: hostOfRoot(userns.gidMappings) };
}

async function setUpNetwork(
  deps: SandboxDeps,
  meta: SandboxMeta,
  netns: string | undefined,
  undo: UndoStack,
): Promise<PodNetworkSetUp> {
  if (isHostNetwork(meta.config)) return { ips: [], recorded: Promise.resolve() };
  if (!netns) throw new InternalError('the pod has no pinned network namespace');
  const sandbox = { id: meta.id, config: meta.config };
  undo.push('pod network', () => deps.network.tearDown(sandbox.id, netns));
  return deps.network.setUp(sandbox, netns);
}
