// The seam where pod networking plugs in. RunPodSandbox calls setUp once the pod's network
// namespace is pinned, and StopPodSandbox/RemovePodSandbox call tearDown (idempotently).
// Host-network pods never reach it. CNI (runtime/network/) implements this interface.
import type { PodConfig } from './pod_config';

export interface PodNetworkSandbox {
  id: string;
  config: PodConfig;
}

export interface PodNetwork {
  /** Configures the pod's network namespace at `netnsPath`; returns the pod's IPs (first = primary). */
  setUp(sandbox: PodNetworkSandbox, netnsPath: string): Promise<string[]>;
  /** Releases what setUp made; must succeed when called twice or after a half-made setUp. */
  tearDown(sandbox: PodNetworkSandbox, netnsPath: string): Promise<void>;
}
