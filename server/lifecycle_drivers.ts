// The real drivers behind pods and containers, chosen once at start: the native process layer
// (monitor per container, infra per pod), the host's cgroup driver, the image store's lookup and
// overlay snapshotter, CNI for pod networks (loopback only when CNI is disabled), in-process
// mounts for pod shm.
import { cgroupManagerFromConfig } from '../runtime/cgroups/from_config';
import type { ImageService } from '../runtime/image/image_service';
import type { LifecycleDrivers } from '../runtime/lifecycle';
import type { CniPodNetwork } from '../runtime/network/pod_network';
import { CniSandboxNetwork } from '../runtime/network/sandbox_network';
import { NativeProcessRuntime } from '../runtime/process/process_runtime';
import { NativeSandboxRuntime } from '../runtime/process/sandbox_runtime';
import { KernelHostMounts } from '../runtime/sandbox/pod_shm';
import type { CorralConfig } from './config/config';

export function lifecycleDrivers(config: CorralConfig, images: ImageService, network: CniPodNetwork): LifecycleDrivers {
  return {
    processes: new NativeProcessRuntime({ procPidnsFsconfig: config.kernel.proc_pidns_fsconfig }),
    infra: new NativeSandboxRuntime(),
    cgroups: cgroupManagerFromConfig(config),
    images: images.lookup,
    snapshots: images.snapshotter,
    network: new CniSandboxNetwork(network),
    mounts: new KernelHostMounts(),
  };
}
