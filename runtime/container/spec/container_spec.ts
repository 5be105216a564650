// Builds the ContainerSpec the process layer runs, from the CRI config, the pod and the image.
// The security context (capabilities, seccomp, no_new_privs, masked paths, AppArmor) and the
// process user are decided by runtime/security; this file puts the pieces together.
import * as path from 'node:path';
import type { ImageRuntimeConfig } from '../../image/contract';
import type { ContainerSpec } from '../../process/contract';
import type { PodConfig } from '../../sandbox/pod_config';
import { resolveContainerSecurity, type SecuritySummary } from '../../security/container_security';
import { resolveProcessUser } from '../../security/process_user';
import type { ContainerConfig } from '../container_config';
import { containerMounts, type PodMountSources } from './container_mounts';
import { deviceMounts, type ResolvedDevice } from './container_devices';
import { containerNamespaces, containerUserNamespace, type PinnedNamespaces } from './namespaces';
import { withinOwnBoundingSet } from './own_capabilities';
import { processArgs, processEnv } from './process_args';
import { imageUserFiles, type ImageUserFiles } from './image_user_files';

export interface ContainerSpecInputs {
  id: string;
  bundleDir: string;
  rootfs: string; // the user database is read from it (mounted by then) unless userFiles is given
  rootfsMode: ContainerSpec['rootfsMode'];
  /** The snapshot's overlay directories under rootfs (what an idmapped rootfs is rebuilt from). */
  rootfsLayers?: ContainerSpec['rootfsLayers'];
  config: ContainerConfig;
  pod: { config: PodConfig; hostname: string; pinned: PinnedNamespaces; files: PodMountSources };
  image: ImageRuntimeConfig;
  /** The image's ID: its user files are read once per image (image_user_files.ts). */
  imageId?: string;
  /** The image's user files when known already: the rootfs is not read (it may not be mounted yet). */
  userFiles?: ImageUserFiles;
  cgroupProcsFiles: string[];
  /** What /sys/fs/cgroup shows inside (the host's layout). */
  cgroupfs?: ContainerSpec['cgroupfs'];
  targetPidNs?: string;
  /** CRI devices, checked and resolved already (container_devices.ts). */
  devices?: ResolvedDevice[];
}

/** kubelet gives a directory per pod and a path inside it per container; either empty means no log. */
export function containerLogPath(logDirectory: string, logPath: string): string {
  return logDirectory !== '' && logPath !== '' ? path.join(logDirectory, logPath) : '';
}

/** runc's rule: HOME from the user's passwd entry unless the env sets it. */
function withHome(env: string[], home: string): string[] {
  return env.some((e) => e.startsWith('HOME=')) ? env : [...env, `HOME=${home || '/'}`];
}

async function processUser(inputs: ContainerSpecInputs) {
  const { config, image } = inputs;
  const security = config.security;
  const { etcPasswd, etcGroup } = inputs.userFiles ?? (await imageUserFiles(inputs.imageId, inputs.rootfs));
  return resolveProcessUser({
    runAsUser: security.runAsUser ?? undefined,
    runAsUsername: security.runAsUsername,
    runAsGroup: security.runAsGroup ?? undefined,
    imageUser: image.user,
    supplementalGroups: security.supplementalGroups,
    supplementalGroupsPolicy: security.supplementalGroupsPolicy,
    etcPasswd,
    etcGroup,
  });
}

export async function buildContainerSpec(
  inputs: ContainerSpecInputs,
): Promise<{ spec: ContainerSpec; security: SecuritySummary }> {
  const { config, pod, image } = inputs;
  const request = config.security;
  const security = await resolveContainerSecurity(request, { privileged: pod.config.privileged });
  const user = await processUser(inputs);
  const userNamespace = containerUserNamespace(pod.config, pod.pinned);
  const spec: ContainerSpec = {
    id: inputs.id,
    bundleDir: inputs.bundleDir,
    rootfs: inputs.rootfs,
    readonlyRootfs: request.readonlyRootfs,
    rootfsMode: inputs.rootfsMode,
    ...(userNamespace && inputs.rootfsLayers ? { rootfsLayers: inputs.rootfsLayers } : {}),
    namespaces: containerNamespaces(pod.config.namespaces, request.namespaces, pod.pinned, inputs.targetPidNs),
    userNamespace,
    mounts: [
      ...(await containerMounts(config.mounts, pod.files, request.readonlyRootfs, pod.config.userNamespace)),
      ...deviceMounts(inputs.devices ?? []),
    ],
    maskedPaths: security.maskedPaths,
    readonlyPaths: security.readonlyPaths,
    privileged: request.privileged,
    sysctls: {},
    ...(inputs.cgroupfs ? { cgroupfs: inputs.cgroupfs } : {}),
    cgroupProcsFiles: inputs.cgroupProcsFiles,
    logPath: containerLogPath(pod.config.logDirectory, config.logPath),
    process: {
      args: processArgs(image.entrypoint, image.cmd, config.command, config.args),
      env: withHome(processEnv(pod.hostname, image.env, config.envs, config.tty), user.home),
      cwd: config.workingDir || image.workingDir || '/',
      uid: user.uid,
      gid: user.gid,
      additionalGids: user.additionalGids,
      tty: config.tty,
      stdin: config.stdin,
      stdinOnce: config.stdinOnce,
      noNewPrivileges: security.noNewPrivileges,
      capabilities: withinOwnBoundingSet(security.capabilities),
      rlimits: [],
      ...(config.oomScoreAdj !== undefined ? { oomScoreAdj: config.oomScoreAdj } : {}),
      ...(security.seccompFilter ? { seccompFilter: security.seccompFilter } : {}),
    },
  };
  return { spec, security: security.summary };
}
