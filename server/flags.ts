// corrald's command line. Flags override the config file, which overrides the defaults.
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../runtime/errors';

export interface DaemonFlags {
  configFile?: string;
  help: boolean;
  version: boolean;
  overrides: { root?: string; state?: string; listen?: string; log_level?: string; cgroup_driver?: string };
  /** `--registry-mirror HOST=URL`, repeatable; put before the config file's mirrors. */
  registryMirrors: string[];
  /** `--metrics-address HOST:PORT` (empty turns the endpoint off). */
  metricsAddress?: string;
}

export const USAGE = `usage: corrald [flags]
  --config FILE       TOML config file (default: none; see deploy/corral.toml)
  --root DIR          persistent root (default /var/lib/corral)
  --state DIR         volatile state root (default /run/corral)
  --listen PATH       CRI unix socket (default /run/corral/corral.sock)
  --log-level LEVEL   error, warn, info or debug (default info)
  --cgroup-driver D   cgroupfs or systemd (default cgroupfs; must match kubelet's cgroupDriver)
  --registry-mirror HOST=URL  serve HOST's images from URL first (repeatable)
  --metrics-address HOST:PORT  serve Prometheus metrics at http://HOST:PORT/metrics
  --version           print the version and exit
  --help              print this help and exit`;

export function parseDaemonFlags(argv: string[]): DaemonFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        root: { type: 'string' },
        state: { type: 'string' },
        listen: { type: 'string' },
        'log-level': { type: 'string' },
        'cgroup-driver': { type: 'string' },
        'registry-mirror': { type: 'string', multiple: true },
        'metrics-address': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  const v = parsed.values;
  return {
    configFile: v.config,
    help: v.help ?? false,
    version: v.version ?? false,
    overrides: {
      root: v.root,
      state: v.state,
      listen: v.listen,
      log_level: v['log-level'],
      cgroup_driver: v['cgroup-driver'],
    },
    registryMirrors: v['registry-mirror'] ?? [],
    metricsAddress: v['metrics-address'],
  };
}
