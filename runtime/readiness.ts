// The conditions Status reports. A condition is true only when what it names can work now.
import { promises as fs, constants } from 'node:fs';
import { nativeProgram, REQUIRED_PROGRAMS } from '../native/helper_path';
import type { NetworkReadiness } from './network/config_source';

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

interface ReadinessInputs {
  root: string;
  state: string;
}

interface NetworkReadinessSource {
  readiness(): Promise<NetworkReadiness>;
}

export async function readinessConditions(
  config: ReadinessInputs,
  network: NetworkReadinessSource,
): Promise<RuntimeCondition[]> {
  return [await runtimeReady(config), await networkReady(network)];
}

async function runtimeReady(config: ReadinessInputs): Promise<RuntimeCondition> {
  const condition = { type: 'RuntimeReady', status: true, reason: '', message: '' };
  for (const program of REQUIRED_PROGRAMS) {
    try {
      await fs.access(nativeProgram(program), constants.X_OK);
    } catch {
      return {
        ...condition,
        status: false,
        reason: 'HelperMissing',
        message: `${nativeProgram(program)} is missing: run npm run build`,
      };
    }
  }
  for (const dir of [config.root, config.state]) {
    try {
      await fs.access(dir, constants.W_OK);
    } catch {
      return { ...condition, status: false, reason: 'RootNotWritable', message: `${dir} is not writable` };
    }
  }
  return condition;
}

// NetworkReady: a valid CNI config whose plugins are installed (re-read on every Status).
async function networkReady(network: NetworkReadinessSource): Promise<RuntimeCondition> {
  const { ready, reason, message } = await network.readiness();
  return { type: 'NetworkReady', status: ready, reason, message };
}
