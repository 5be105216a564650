// CNI_ARGS for a Kubernetes pod, as kubelet-era runtimes pass them (CNI CONVENTIONS.md).
import { InvalidArgumentError } from '../errors';

export interface PodIdentity {
  /** The sandbox id: CNI_CONTAINERID and K8S_POD_INFRA_CONTAINER_ID. */
  podId: string;
  name: string;
  namespace: string;
  uid: string;
}

export function podCniArgs(pod: PodIdentity): string {
  const pairs: Array<[string, string]> = [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAMESPACE', pod.namespace],
    ['K8S_POD_NAME', pod.name],
    ['K8S_POD_INFRA_CONTAINER_ID', pod.podId],
    ['K8S_POD_UID', pod.uid],
  ];
  for (const [key, value] of pairs) {
    if (/[;=\0]/.test(value))
      throw new InvalidArgumentError(`${key} ${JSON.stringify(value)} cannot be passed in CNI_ARGS`);
  }
  return pairs.map(([key, value]) => `${key}=${value}`).join(';');
}
