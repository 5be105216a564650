// A pod's /dev/shm: one tmpfs per pod, shared by its containers (they bind-mount it), unless the
// pod uses the host's IPC namespace, in which case it is the host's /dev/shm.
import { promises as fs } from 'node:fs';
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, mount, unmount } from '../../native/mount';

/** Host-side mounts corrald makes; injected so sandbox logic is testable without the kernel. */
export interface HostMounts {
  mountTmpfs(target: string, options: string): Promise<void>;
  unmount(target: string): Promise<void>;
}

export const SHM_OPTIONS = 'mode=1777,size=65536k';

export class KernelHostMounts implements HostMounts {
  async mountTmpfs(target: string, options: string): Promise<void> {
    await fs.mkdir(target, { recursive: true, mode: 0o755 });
    mount('shm', target, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, options);
  }

  async unmount(target: string): Promise<void> {
    // Repeat: a target may carry stacked mounts.
    while (unmount(target)) { /* detach the next one down */ }
  }
}
