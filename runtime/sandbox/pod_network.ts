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
  /**
   * Releases what setUp made for the pod; must succeed when called twice, after a half-made
   * setUp, or for a pod that never had a network (setUp records what there is to release).
   */
  tearDown(podId: string, netnsPath: string): Promise<void>;
}
