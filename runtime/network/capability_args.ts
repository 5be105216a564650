// Capability arguments (CNI CONVENTIONS.md) corral offers to plugins that declare them:
// portMappings, dns, bandwidth and ipRanges. Each plugin gets only those it declares.
import { InvalidArgumentError } from '../errors';
import type { JsonObject } from './cni_config';
import { parseQuantity } from './quantity';

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  hostIP?: string;
}

export interface DnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface Bandwidth {
  ingressRate?: number;
  ingressBurst?: number;
  egressRate?: number;
  egressBurst?: number;
}

export interface CapabilityArgs {
  portMappings?: PortMapping[];
  dns?: DnsSettings;
  bandwidth?: Bandwidth;
  ipRanges?: Array<Array<{ subnet: string }>>;
}

/** What a pod asks of the network beyond its identity. */
export interface PodNetworkOptions {
  portMappings?: PortMapping[];
  dns?: DnsSettings;
  /** Pod annotations; kubernetes.io/ingress-bandwidth and egress-bandwidth are honoured. */
  annotations?: Record<string, string>;
}

const INGRESS_ANNOTATION = 'kubernetes.io/ingress-bandwidth';
const EGRESS_ANNOTATION = 'kubernetes.io/egress-bandwidth';
/** containerd's choice: a burst large enough not to shape bursts at all. */
const UNLIMITED_BURST = 2 ** 32 - 1;

export function capabilityArgs(options: PodNetworkOptions, podCidr: string): CapabilityArgs {
  const args: CapabilityArgs = {};
  const mappings = (options.portMappings ?? []).filter((m) => m.hostPort > 0);
  mappings.forEach(checkPortMapping);
  if (mappings.length > 0) args.portMappings = mappings.map(withoutEmptyHostIp);
  if (options.dns && options.dns.servers.length + options.dns.searches.length + options.dns.options.length > 0) {
    args.dns = options.dns;
  }
  const bandwidth = bandwidthFrom(options.annotations ?? {});
  if (bandwidth) args.bandwidth = bandwidth;
  const cidrs = podCidr
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (cidrs.length > 0) args.ipRanges = cidrs.map((subnet) => [{ subnet }]);
  return args;
}

/** The runtimeConfig for one plugin: the capabilities it declares that corral has values for. */
export function runtimeConfigFor(capabilities: unknown, args: CapabilityArgs): JsonObject {
  const out: JsonObject = {};
  if (typeof capabilities !== 'object' || capabilities === null) return out;
  for (const [key, value] of Object.entries(args)) {
    if ((capabilities as Record<string, unknown>)[key] === true && value !== undefined) {
      out[key] = JSON.parse(JSON.stringify(value)) as JsonObject;
    }
  }
  return out;
}

function checkPortMapping(m: PortMapping): void {
  const valid = (port: number) => Number.isInteger(port) && port > 0 && port <= 65535;
  if (!valid(m.hostPort) || !valid(m.containerPort)) {
    throw new InvalidArgumentError(`port mapping ${m.hostPort}->${m.containerPort}: ports must be 1-65535`);
  }
}

function withoutEmptyHostIp(m: PortMapping): PortMapping {
  const { hostIP, ...rest } = m;
  return hostIP ? { ...rest, hostIP } : rest;
}

function bandwidthFrom(annotations: Record<string, string>): Bandwidth | undefined {
  const ingress = annotations[INGRESS_ANNOTATION];
  const egress = annotations[EGRESS_ANNOTATION];
  if (ingress === undefined && egress === undefined) return undefined;
  const out: Bandwidth = {};
  if (ingress !== undefined) {
    out.ingressRate = parseQuantity(ingress, INGRESS_ANNOTATION);
    out.ingressBurst = UNLIMITED_BURST;
  }
  if (egress !== undefined) {
    out.egressRate = parseQuantity(egress, EGRESS_ANNOTATION);
    out.egressBurst = UNLIMITED_BURST;
  }
  return out;
}
