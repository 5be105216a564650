// The conditions Status reports. A condition is true only when what it names can work now.
import { promises as fs, constants } from 'node:fs';
import { nativeProgram, REQUIRED_PROGRAMS } from '../native/helper_path';

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }

interface ReadinessInputs { root: string; state: string }

export async function readinessConditions(config: ReadinessInputs): Promise<RuntimeCondition[]> {
  return [await runtimeReady(config), networkReady()];
}

async function runtimeReady(config: ReadinessInputs): Promise<RuntimeCondition> {
  const condition = { type: 'RuntimeReady', status: true, reason: '', message: '' };
  for (const program of REQUIRED_PROGRAMS) {
    try {
      await fs.access(nativeProgram(program), constants.X_OK);
    } catch {
      return { ...condition, status: false, reason: 'HelperMissing', message: `${nativeProgram(program)} is missing: run npm run build` };
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

// Pod networking (CNI) is not wired yet, so pods other than host-network ones cannot get an IP.
function networkReady(): RuntimeCondition {
  return {
    type: 'NetworkReady',
    status: false,
    reason: 'NetworkPluginNotReady',
    message: 'CNI networking is not available in this corral build yet',
  };
}
