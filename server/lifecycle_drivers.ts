// The real drivers behind pods and containers, chosen once at start.
import { cgroupManagerFromConfig } from '../runtime/cgroups/from_config';
import { UnavailableError } from '../runtime/errors';
import type { ImageLookup, Snapshotter } from '../runtime/image/contract';
import type { LifecycleDrivers } from '../runtime/lifecycle';
import type { ProcessRuntime, SandboxRuntime } from '../runtime/process/contract';
import { LoopbackOnlyNetwork } from '../runtime/sandbox/loopback_network';
import { KernelHostMounts } from '../runtime/sandbox/pod_shm';
import type { CorralConfig } from './config/config';

// Until the process layer and the image store are merged, their verbs answer UNAVAILABLE.
function notYet<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: () => () => { throw new UnavailableError(`${what} is not built into this corral yet`); },
  });
}

export async function lifecycleDrivers(config: CorralConfig): Promise<LifecycleDrivers> {
  return {
    processes: notYet<ProcessRuntime>('the container process layer'),
    infra: notYet<SandboxRuntime>('the pod infra process'),
    cgroups: cgroupManagerFromConfig(config),
    images: notYet<ImageLookup>('the image store'),
    snapshots: notYet<Snapshotter>('the snapshotter'),
    network: new LoopbackOnlyNetwork(),
    mounts: new KernelHostMounts(),
  };
}
