// The /etc/hosts, /etc/hostname and /etc/resolv.conf a pod's containers see, written once per
// pod into its state directory and bind-mounted into each container.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PodMountSources } from '../container/spec/container_mounts';
import { allSteps } from '../undo_stack';
import type { DnsConfig, PodConfig } from './pod_config';

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];

export function isHostNetwork(config: PodConfig): boolean {
  return config.namespaces.network === 'NODE';
}

/** The pod's hostname: the host's for host-network pods, else the config's (or the host's if unset). */
export function podHostname(config: PodConfig): string {
  return isHostNetwork(config) || config.hostname === '' ? os.hostname() : config.hostname;
}

export function hasDnsSettings(dns: DnsConfig | null): dns is DnsConfig {
  return dns !== null && (dns.servers.length > 0 || dns.searches.length > 0 || dns.options.length > 0);
}

export function resolvConf(dns: DnsConfig): string {
  const lines: string[] = [];
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  for (const server of dns.servers) lines.push(`nameserver ${server}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

export function hostsFile(hostname: string, podIps: string[]): string {
  const own = podIps.map((ip) => `${ip}\t${hostname}`);
  return `${[...DEFAULT_HOSTS, ...own].join('\n')}\n`;
}

async function readHostFile(file: string, fallback: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function podFilePaths(sandboxDir: string): Omit<PodMountSources, 'shm'> {
  return {
    hosts: path.join(sandboxDir, 'hosts'),
    hostname: path.join(sandboxDir, 'hostname'),
    resolvConf: path.join(sandboxDir, 'resolv.conf'),
  };
}

/** Host-network pods get the host's hosts and resolv.conf (unless kubelet sends DNS settings). */
/** owner: the host ids of the container's root, in a pod with its own user namespace. */
export async function writePodFiles(
  sandboxDir: string,
  config: PodConfig,
  podIps: string[],
  owner?: { uid: number; gid: number },
): Promise<void> {
  const paths = podFilePaths(sandboxDir);
  const hostname = podHostname(config);
  // The three files are independent: read and written side by side.
  const [hosts, resolv] = await Promise.all([
    isHostNetwork(config) ? readHostFile('/etc/hosts', hostsFile(hostname, [])) : hostsFile(hostname, podIps),
    hasDnsSettings(config.dns) ? resolvConf(config.dns) : readHostFile('/etc/resolv.conf', ''),
  ]);
  const contents: Array<[string, string]> = [
    [paths.hosts, hosts],
    [paths.hostname, `${hostname}\n`],
    [paths.resolvConf, resolv],
  ];
  await allSteps(
    contents.map(async ([file, text]) => {
      await fs.writeFile(file, text, { mode: 0o644 });
      // Bind-mounted into the containers: their root owns them, as it owns its rootfs.
      if (owner) await fs.chown(file, owner.uid, owner.gid);
    }),
  );
}
