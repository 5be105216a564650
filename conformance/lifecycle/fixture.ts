// Shared pieces of the lifecycle conformance tests: a corrald with the busybox test image
// pulled, CRI configs like crictl's, and the checks that nothing was left behind.
import type { LinuxContainerConfig } from '../../proto/generated/runtime/v1/LinuxContainerConfig';
import type { NamespaceOption } from '../../proto/generated/runtime/v1/NamespaceOption';
import type { ContainerConfig } from '../../proto/generated/runtime/v1/ContainerConfig';
import type { PodSandboxConfig } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CriCallError } from '../../cli/cri_client';
import { Corrald, type CorraldDirs } from '../harness/corrald';
import { pushTestImages, startTestRegistry, type PushedTestImages, type TestRegistry } from '../testimages';
import { status as GrpcStatus } from '@grpc/grpc-js';

export interface LifecycleWorld {
  registry: TestRegistry;
  images: PushedTestImages;
  cgroupParent: string;
  daemon: Corrald;
}

export function daemonConfig(cgroupParent: string): string {
  return `default_cgroup_parent = "${cgroupParent}"\n[cni]\nenabled = false\n`;
}

/** `extraToml` is appended to the daemon's config (tables such as `[streaming]`). */
export async function startWorld(name: string, extraToml = ''): Promise<LifecycleWorld> {
  const registry = await startTestRegistry();
  const images = await pushTestImages(registry);
  const cgroupParent = `/corral-e2e-${name}-${process.pid}`;
  const daemon = await Corrald.start({ configToml: daemonConfig(cgroupParent) + extraToml });
  await daemon.client.image('PullImage', { image: { image: images.busybox }, auth: null });
  return { registry, images, cgroupParent, daemon };
}

/** Restarts corrald on the same roots (after a crash or a stop). */
export async function restart(world: LifecycleWorld, dirs: CorraldDirs): Promise<void> {
  world.daemon = await Corrald.start({ configToml: daemonConfig(world.cgroupParent), dirs });
}

export async function stopWorld(world: LifecycleWorld | undefined): Promise<void> {
  if (!world) return;
  await world.daemon.stop();
  await world.daemon.removeDirs();
  await world.registry.stop();
  // Fails (ENOTEMPTY/EBUSY) when a pod or container cgroup was left behind.
  await removeCgroupParent(world);
}

let counter = 0;

/** A pod config as the CRI types check it, still usable where a test keeps configs as plain records. */
export type PodConfig = PodSandboxConfig & Record<string, unknown>;
/** A container config as the CRI types check it, still usable where a test keeps configs as plain records. */
export type CtrConfig = ContainerConfig & Record<string, unknown>;
/** Fields over the defaults: typed, or a plain record a test builds freely (the daemon checks it). */
type Extra<T> = T | Record<string, unknown>;

export function podConfig(name: string, extra: Extra<PodSandboxConfig> = {}): PodConfig {
  const uid = `uid-${name}-${process.pid}-${counter++}`;
  return {
    metadata: { name, namespace: 'e2e', uid, attempt: 0 },
    hostname: `${name}-host`,
    log_directory: '',
    labels: { suite: 'lifecycle', pod: name },
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    ...(extra as PodSandboxConfig),
  };
}

export function containerConfig(
  image: string,
  name: string,
  command: string[],
  extra: Extra<ContainerConfig> = {},
): CtrConfig {
  const fields = extra as ContainerConfig;
  return {
    metadata: { name, attempt: 0 },
    image: { image },
    command,
    log_path: `${name}.log`,
    labels: { container: name },
    ...fields,
    linux: withKubeletNamespaces(fields.linux ?? {}),
  };
}

/** kubelet always sends namespace options: a container of a pod that does not share its process
 *  namespace gets its own pid namespace (unset options would mean the pod's). */
function withKubeletNamespaces(linux: LinuxContainerConfig): LinuxContainerConfig {
  const security = linux.security_context ?? {};
  if (security.namespace_options) return linux;
  const namespace_options: NamespaceOption = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' };
  return { ...linux, security_context: { ...security, namespace_options } };
}

export async function grpcCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof CriCallError) return GrpcStatus[err.code];
    throw err;
  }
  return 'OK';
}

/** Mount points anywhere below `dir` (the daemon's temporary roots). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(dir + '/'));
}

/** The cgroup directories a process is in, one per hierarchy (v1 and unified). */
/** The pod's cgroup directories, from its infra process. */
export function podCgroupDirs(world: LifecycleWorld, infraPid: number): string[] {
  return cgroupDirsOf(infraPid).filter((dir) => dir.includes(world.cgroupParent));
}

/** A pure v2 host mounts the unified hierarchy at /sys/fs/cgroup itself; a hybrid one below it. */
const UNIFIED_ROOT = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';

export function cgroupDirsOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [, controllers, where] = line.split(':') as [string, string, string];
      if (controllers === '') return path.join(UNIFIED_ROOT, where);
      return path.join('/sys/fs/cgroup', controllers.replace(/^name=/, ''), where);
    });
}

/** A cgroup file of the process, from the hierarchy that has it (v1) or the unified one (v2). */
export function cgroupFile(pid: number, file: string): string {
  for (const dir of cgroupDirsOf(pid)) {
    try {
      return readFileSync(path.join(dir, file), 'utf8').trim();
    } catch {
      /* another hierarchy */
    }
  }
  throw new Error(`no ${file} for pid ${pid}`);
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds; gives up (failing) after many tries, so a broken case cannot hang. */
export async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** Waits (without a deadline assertion) until the process is gone. */
export async function untilGone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Where the test's cgroup parent ended up in each hierarchy (memory may nest it under corrald's own). */
async function findDirs(dir: string, name: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const child = path.join(dir, entry.name);
    if (entry.name === name) found.push(child);
    else found.push(...(await findDirs(child, name, depth - 1)));
  }
  return found;
}

/** The test's cgroup parent directories; a leftover pod or container cgroup below makes rmdir fail. */
export async function cgroupParentDirs(cgroupParent: string): Promise<string[]> {
  return findDirs('/sys/fs/cgroup', cgroupParent.slice(1), 5);
}

/** A container's cgroup directories (one per hierarchy), found by its ID below the test's parent. */
export async function cgroupsNamed(cgroupParent: string, id: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth === 0) return;
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue;
      if (entry.name.includes(id)) found.push(path.join(dir, entry.name));
      else await walk(path.join(dir, entry.name), depth - 1);
    }
  };
  for (const dir of await cgroupParentDirs(cgroupParent)) await walk(dir, 3);
  return found;
}

async function removeCgroupParent(world: LifecycleWorld): Promise<void> {
  for (const dir of await cgroupParentDirs(world.cgroupParent)) await fs.rmdir(dir);
}
