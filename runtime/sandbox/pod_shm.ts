// A pod's /dev/shm: one tmpfs per pod, shared by its containers (they bind-mount it), unless the
// pod uses the host's IPC namespace, in which case it is the host's /dev/shm.
import { promises as fs } from 'node:fs';
import { MNT_DETACH, SyscallError, mount, umount2 } from '../../native/libc';

/** Host-side mounts corrald makes; injected so sandbox logic is testable without the kernel. */
export interface HostMounts {
  mountTmpfs(target: string, options: string): Promise<void>;
  unmount(target: string): Promise<void>;
}

export const SHM_OPTIONS = 'mode=1777,size=65536k';

const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;

export class KernelHostMounts implements HostMounts {
  async mountTmpfs(target: string, options: string): Promise<void> {
    await fs.mkdir(target, { recursive: true, mode: 0o755 });
    mount('shm', target, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, options);
  }

  /** Detaches every mount stacked on `target`; nothing mounted there is fine. */
  async unmount(target: string): Promise<void> {
    for (;;) {
      try {
        umount2(target, MNT_DETACH);
      } catch (err) {
        if (err instanceof SyscallError && (err.code === 'EINVAL' || err.code === 'ENOENT')) return;
        throw err;
      }
    }
  }
}
