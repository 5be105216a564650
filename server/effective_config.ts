// The configuration corrald runs with: the config file (or the defaults), then the flags. Loaded
// before the daemon code, so it imports only the config modules.
import { applyOverrides, defaultConfig, loadConfigFile, type CorralConfig } from './config/config';
import { hostPortOrEmpty } from './config/schema';
import { InvalidArgumentError } from '../runtime/errors';
import { addMirrorFlag } from '../runtime/image/registry/hosts';
import type { DaemonFlags } from './flags';

export async function effectiveConfig(flags: DaemonFlags): Promise<CorralConfig> {
  const base = flags.configFile ? await loadConfigFile(flags.configFile) : defaultConfig();
  const config = applyOverrides(base, flags.overrides);
  // Applied last-to-first so the first flag ends up first in the mirror list.
  for (const mirror of [...flags.registryMirrors].reverse())
    config.registry = { ...config.registry, ...addMirrorFlag(config.registry, mirror) };
  if (flags.metricsAddress !== undefined) {
    const problem = hostPortOrEmpty(flags.metricsAddress);
    if (problem) throw new InvalidArgumentError(`--metrics-address ${problem}`);
    config.metrics = { ...config.metrics, address: flags.metricsAddress };
  }
  return config;
}
