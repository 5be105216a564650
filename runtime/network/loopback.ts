// Every pod netns gets its loopback up: through the standard `loopback` plugin when it is
// installed (then it is an attachment like any other), else with `ip link` inside the netns.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InternalError } from '../errors';
import type { NetworkConfigList } from './cni_config';

const run = promisify(execFile);

export const LOOPBACK_PLUGIN = 'loopback';

export const LOOPBACK_NETWORK: NetworkConfigList = {
  name: 'cni-loopback',
  cniVersion: '1.0.0',
  disableCheck: false,
  plugins: [{ type: LOOPBACK_PLUGIN }],
  source: 'corral built-in',
};

/** The fallback when no loopback plugin is installed. */
export async function loopbackUpWithIp(netnsPath: string): Promise<void> {
  try {
    await run('nsenter', [`--net=${netnsPath}`, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    throw new InternalError(`cannot bring up lo in ${netnsPath}: ${(err as Error).message}`);
  }
}
