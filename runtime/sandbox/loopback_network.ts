// The network a pod gets until CNI is configured: only its loopback interface, brought up.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { wrapError } from '../errors';
import type { PodNetwork } from './pod_network';

const run = promisify(execFile);

export class LoopbackOnlyNetwork implements PodNetwork {
  async setUp(_sandbox: unknown, netnsPath: string): Promise<string[]> {
    try {
      // iproute2 inside the pinned namespace: corrald itself never enters a namespace.
      await run('nsenter', [`--net=${netnsPath}`, 'ip', 'link', 'set', 'lo', 'up']);
    } catch (err) {
      throw wrapError(err, `bringing up loopback in ${netnsPath}`);
    }
    return [];
  }

  async tearDown(): Promise<void> {
    // Nothing outside the namespace was made; it disappears with the pod's infra.
  }
}
