// Builds the ContainerSpec the process layer runs, from the CRI config, the pod and the image.
import * as path from 'node:path';
import type { ImageRuntimeConfig } from '../../image/contract';
import type { ContainerSpec } from '../../process/contract';
import type { PodConfig } from '../../sandbox/pod_config';
import type { ContainerConfig } from '../container_config';
import { containerCapabilities } from './capabilities';
import { containerMounts, type PodMountSources } from './container_mounts';
import { maskedPaths, readonlyPaths } from './default_paths';
import { containerNamespaces, type PinnedNamespaces } from './namespaces';
import { processArgs, processEnv } from './process_args';
import { resolveUser } from './process_user';
import { readUserDb } from './user_db';

export interface ContainerSpecInputs {
  id: string;
  bundleDir: string;
  rootfs: string;              // mounted already: the user database is read from it
  rootfsMode: ContainerSpec['rootfsMode'];
  config: ContainerConfig;
  pod: { config: PodConfig; hostname: string; pinned: PinnedNamespaces; files: PodMountSources };
  image: ImageRuntimeConfig;
  cgroupProcsFiles: string[];
  targetPidNs?: string;
}

/** kubelet gives a directory per pod and a path inside it per container; either empty means no log. */
export function containerLogPath(logDirectory: string, logPath: string): string {
  return logDirectory !== '' && logPath !== '' ? path.join(logDirectory, logPath) : '';
}

/** runc's rule: HOME from the user's passwd entry unless the env sets it. */
function withHome(env: string[], home: string): string[] {
  return env.some((e) => e.startsWith('HOME=')) ? env : [...env, `HOME=${home || '/'}`];
}

export async function buildContainerSpec(inputs: ContainerSpecInputs): Promise<ContainerSpec> {
  const { config, pod, image } = inputs;
  const security = config.security;
  const privileged = security.privileged;
  const user = resolveUser(await readUserDb(inputs.rootfs), security, image.user);
  return {
    id: inputs.id,
    bundleDir: inputs.bundleDir,
    rootfs: inputs.rootfs,
    readonlyRootfs: security.readonlyRootfs,
    rootfsMode: inputs.rootfsMode,
    namespaces: containerNamespaces(pod.config.namespaces, security.namespaces, pod.pinned, inputs.targetPidNs),
    mounts: await containerMounts(config.mounts, pod.files, security.readonlyRootfs),
    maskedPaths: maskedPaths(privileged, security.maskedPaths),
    readonlyPaths: readonlyPaths(privileged, security.readonlyPaths),
    privileged,
    sysctls: {},
    cgroupProcsFiles: inputs.cgroupProcsFiles,
    logPath: containerLogPath(pod.config.logDirectory, config.logPath),
    process: {
      args: processArgs(image.entrypoint, image.cmd, config.command, config.args),
      env: withHome(processEnv(pod.hostname, image.env, config.envs), user.home),
      cwd: config.workingDir || image.workingDir || '/',
      uid: user.uid,
      gid: user.gid,
      additionalGids: user.additionalGids,
      tty: config.tty,
      stdin: config.stdin,
      stdinOnce: config.stdinOnce,
      noNewPrivileges: security.noNewPrivs,
      capabilities: containerCapabilities(privileged, security.capabilities),
      rlimits: [],
    },
  };
}
