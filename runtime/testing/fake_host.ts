// Fakes for the pod network and the host-side shm mount.
import { promises as fs } from 'node:fs';
import type { PodNetwork, PodNetworkSetUp } from '../sandbox/pod_network';
import type { HostMounts } from '../sandbox/pod_shm';

export class FakePodNetwork implements PodNetwork {
  readonly active = new Set<string>();
  ips = ['10.88.0.5'];

  async setUp(sandbox: { id: string }): Promise<PodNetworkSetUp> {
    this.active.add(sandbox.id);
    return { ips: this.ips, recorded: Promise.resolve() };
  }

  async tearDown(podId: string): Promise<void> {
    this.active.delete(podId);
  }
}

export class FakeHostMounts implements HostMounts {
  readonly mounted = new Set<string>();

  async mountTmpfs(target: string): Promise<void> {
    await fs.mkdir(target, { recursive: true });
    this.mounted.add(target);
  }

  async unmount(target: string): Promise<void> {
    this.mounted.delete(target);
  }
}
