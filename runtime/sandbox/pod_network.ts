// The seam where pod networking plugs in. RunPodSandbox calls setUp once the pod's network
// namespace is pinned, and StopPodSandbox/RemovePodSandbox call tearDown (idempotently).
// Host-network pods never reach it. CNI (runtime/network/) implements this interface.
import type { PodConfig } from './pod_config';

export interface PodNetworkSandbox {
  id: string;
  config: PodConfig;
}

export interface PodNetworkSetUp {
  /** The pod's IPs (first = primary). */
  ips: string[];
  /**
   * Resolves once what tearDown needs is on disk (it may still be flushing when setUp returns, so
   * its fsyncs run beside the caller's own); RunPodSandbox replies only after it. A rejection
   * means the pod must be taken back (tearDown) like any failed setUp.
   */
  recorded: Promise<void>;
}

export interface PodNetwork {
  /** Configures the pod's network namespace at `netnsPath`. */
  setUp(sandbox: PodNetworkSandbox, netnsPath: string): Promise<PodNetworkSetUp>;
  /**
   * Releases what setUp made for the pod; must succeed when called twice, after a half-made
   * setUp, or for a pod that never had a network (setUp records what there is to release).
   */
  tearDown(podId: string, netnsPath: string): Promise<void>;
}
