// Builds corrald's CniPodNetwork from its [cni] settings: attachment records under the persistent root.
import * as path from 'node:path';
import { CniPodNetwork } from './pod_network';

interface CniConfigKeys {
  root: string;
  cni: { enabled: boolean; conf_dir: string; bin_dirs: string[] };
}

export async function podNetworkFromConfig(config: CniConfigKeys, podCidr: () => string): Promise<CniPodNetwork> {
  const network = new CniPodNetwork({
    enabled: config.cni.enabled,
    confDir: config.cni.conf_dir,
    binDirs: config.cni.bin_dirs,
    cacheDir: path.join(config.root, 'cni', 'results'),
    podCidr,
  });
  await network.start();
  return network;
}
