// RunPodSandbox's PodSandboxConfig, checked before anything is made: names, hostname, DNS
// (written into resolv.conf line by line), ports, the log directory, namespace modes, IDs and
// the runtime handler.
import type { DNSConfig__Output } from '../../proto/generated/runtime/v1/DNSConfig';
import type { PodSandboxConfig__Output } from '../../proto/generated/runtime/v1/PodSandboxConfig';
import type { PortMapping__Output } from '../../proto/generated/runtime/v1/PortMapping';
import { InvalidArgumentError } from '../../runtime/errors';
import { checkAnnotations, checkLabels } from './metadata_checks';
import { checkNamespaceOptions } from './namespace_checks';
import {
  PATH_MAX,
  checkCleanAbsolutePath,
  checkHostname,
  checkIp,
  checkMaxLength,
  checkNoControl,
  checkObjectName,
  checkOneOf,
  checkRange,
  invalid,
} from './text';
import { checkIds } from './user_checks';

/** resolv.conf's own limits are smaller; kubelet never sends more than these. */
const MAX_DNS_ENTRIES = 64;
const MAX_DNS_ENTRY = 255;
const MAX_PORT_MAPPINGS = 1024;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export function checkPodSandboxConfig(config: PodSandboxConfig__Output | null): void {
  if (!config) return; // the conversion reports the missing config
  const metadata = config.metadata;
  if (metadata) {
    checkObjectName('metadata.name', metadata.name, true);
    checkObjectName('metadata.namespace', metadata.namespace, false);
    checkObjectName('metadata.uid', metadata.uid, false);
  }
  checkHostname('hostname', config.hostname);
  checkLabels('labels', config.labels);
  checkAnnotations('annotations', config.annotations);
  if (config.log_directory !== '') checkCleanAbsolutePath('log_directory', config.log_directory);
  if (config.dns_config) checkDns(config.dns_config);
  if (config.port_mappings.length > MAX_PORT_MAPPINGS)
    throw new InvalidArgumentError(`port_mappings: more than ${MAX_PORT_MAPPINGS}`);
  config.port_mappings.forEach((p, i) => checkPort(`port_mappings[${i}]`, p));
  const linux = config.linux;
  if (linux) {
    checkMaxLength('linux.cgroup_parent', linux.cgroup_parent, PATH_MAX - 1);
    checkNamespaceOptions('linux.security_context.namespace_options', linux.security_context?.namespace_options);
    checkIds('linux.security_context', linux.security_context);
  }
}

export function checkRuntimeHandler(handler: string, handlers: readonly string[]): void {
  if (!handlers.includes(handler))
    throw invalid('runtime_handler', handler, `is not configured (known: ${handlers.map((h) => `"${h}"`).join(', ')})`);
}

function checkDns(dns: DNSConfig__Output): void {
  for (const [name, list] of [
    ['servers', dns.servers],
    ['searches', dns.searches],
    ['options', dns.options],
  ] as const) {
    if (list.length > MAX_DNS_ENTRIES)
      throw new InvalidArgumentError(`dns_config.${name}: more than ${MAX_DNS_ENTRIES}`);
    list.forEach((entry, i) => {
      const field = `dns_config.${name}[${i}]`;
      checkMaxLength(field, entry, MAX_DNS_ENTRY);
      checkNoControl(field, entry);
      if (entry === '' || /\s/.test(entry)) throw invalid(field, entry, 'must be one word');
    });
  }
  dns.servers.forEach((server, i) => checkIp(`dns_config.servers[${i}]`, server));
}

function checkPort(field: string, port: PortMapping__Output): void {
  checkOneOf(`${field}.protocol`, port.protocol, PROTOCOLS);
  checkRange(`${field}.container_port`, port.container_port, 0, 65535);
  checkRange(`${field}.host_port`, port.host_port, 0, 65535);
  if (port.host_ip !== '') checkIp(`${field}.host_ip`, port.host_ip);
}
