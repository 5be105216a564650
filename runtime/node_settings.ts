// Node-wide settings kubelet pushes at run time (UpdateRuntimeConfig), persisted under the root
// so a restart keeps them.
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from './store/atomic_file';
import { InvalidArgumentError } from './errors';

interface Persisted {
  podCidr: string;
}

export class NodeRuntimeSettings {
  private podCidrValue = '';

  private constructor(private readonly file: string) {}

  static async load(root: string): Promise<NodeRuntimeSettings> {
    const settings = new NodeRuntimeSettings(path.join(root, 'node-settings.json'));
    const saved = await readJsonIfExists<Persisted>(settings.file);
    if (saved) settings.podCidrValue = saved.podCidr;
    return settings;
  }

  get podCidr(): string {
    return this.podCidrValue;
  }

  /** An empty CIDR keeps the current one, as containerd does. */
  async setPodCidr(cidr: string): Promise<void> {
    if (cidr === '' || cidr === this.podCidrValue) return;
    for (const part of cidr.split(',')) checkCidr(part.trim());
    await writeJsonAtomic(this.file, { podCidr: cidr } satisfies Persisted);
    this.podCidrValue = cidr;
  }
}

function checkCidr(cidr: string): void {
  const [address, bits, extra] = cidr.split('/');
  const isV4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address ?? '') && address.split('.').every((o) => Number(o) <= 255);
  const isV6 = !isV4 && /^[0-9a-fA-F:]+$/.test(address ?? '') && (address ?? '').includes(':');
  const maxBits = isV4 ? 32 : 128;
  const prefix = Number(bits);
  if (extra !== undefined || (!isV4 && !isV6) || bits === undefined || !/^\d+$/.test(bits) || prefix > maxBits) {
    throw new InvalidArgumentError(`runtime_config.network_config.pod_cidr: ${JSON.stringify(cidr)} is not a CIDR`);
  }
}
