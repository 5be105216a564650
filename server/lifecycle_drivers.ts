// The real drivers behind pods and containers, chosen once at start.
import { createCgroupManager } from '../runtime/cgroups/manager';
import type { ImageService } from '../runtime/image/image_service';
import type { LifecycleDrivers } from '../runtime/lifecycle';
import type { CniPodNetwork } from '../runtime/network/pod_network';
import { CniSandboxNetwork } from '../runtime/network/sandbox_network';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import { NativeSandboxRuntime } from '../runtime/process/sandbox_runtime';
import { KernelHostMounts } from '../runtime/sandbox/pod_shm';
import type { CorralConfig } from './config/config';

export interface DriverInputs {
  images: ImageService;
  network: CniPodNetwork;
}

export async function lifecycleDrivers(_config: CorralConfig, inputs: DriverInputs): Promise<LifecycleDrivers> {
  return {
    processes: new NativeProcessRuntime(),
    infra: new NativeSandboxRuntime(),
    cgroups: createCgroupManager(),
    images: inputs.images.lookup,
    snapshots: inputs.images.snapshotter,
    network: new CniSandboxNetwork(inputs.network),
    mounts: new KernelHostMounts(),
  };
}
