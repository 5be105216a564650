// The CNI implementation of the sandbox layer's PodNetwork seam (runtime/sandbox/pod_network.ts):
// turns a pod's config into a CNI request. Host-network pods never reach it.
import { InvalidArgumentError } from '../errors';
import type { PortMapping, PortProtocol } from './capability_args';
import type { CniPodNetwork, PodAttachment } from './pod_network';

type PodAttacher = Pick<CniPodNetwork, 'attach' | 'tearDown'>;

/** The parts of the sandbox layer's PodNetworkSandbox this reads (kept structural on purpose). */
export interface NetworkedSandbox {
  id: string;
  config: {
    metadata: { name: string; namespace: string; uid: string };
    dns: { servers: string[]; searches: string[]; options: string[] } | null;
    portMappings: Array<{ protocol: string; containerPort: number; hostPort: number; hostIp: string }>;
    annotations: Record<string, string>;
  };
}

export class CniSandboxNetwork {
  constructor(private readonly cni: PodAttacher) {}

  async setUp(sandbox: NetworkedSandbox, netnsPath: string): Promise<PodAttachment> {
    const { metadata, dns, portMappings, annotations } = sandbox.config;
    return this.cni.attach({
      podId: sandbox.id,
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      netnsPath,
      portMappings: portMappings.map(toCniPortMapping),
      dns: dns ?? undefined,
      annotations,
    });
  }

  /** DEL uses the netns path of the attachment record; this one only when the record is unreadable. */
  async tearDown(podId: string, netnsPath: string): Promise<void> {
    await this.cni.tearDown(podId, netnsPath);
  }
}

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];

function toCniPortMapping(m: NetworkedSandbox['config']['portMappings'][number]): PortMapping {
  const protocol = (m.protocol || 'TCP').toLowerCase() as PortProtocol;
  if (!PROTOCOLS.includes(protocol))
    throw new InvalidArgumentError(`port mapping protocol ${JSON.stringify(m.protocol)} is not TCP, UDP or SCTP`);
  return { hostPort: m.hostPort, containerPort: m.containerPort, protocol, hostIP: m.hostIp };
}
