// What create()/startInfra() leave in the bundle directory so any later corrald (after a restart)
// finds the processes again: refs with start times, never bare pids.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ProcessRef } from './contract';
import { readJsonIfExists } from '../store/atomic_file';

export const CONTAINER_STATE_FILE = 'process.json';
export const INFRA_STATE_FILE = 'infra.json';

export interface ContainerProcessState {
  version: 1;
  monitor: ProcessRef;
  init: ProcessRef;
  cgroupProcsFiles: string[];
}

export interface InfraProcessState {
  version: 1;
  infra: ProcessRef;
  pinDir: string;
}

/**
 * Temp file + rename, without fsync: readers never see a torn file, and the page cache survives a
 * corrald crash. A machine crash loses the processes these files name anyway, and fsync would
 * cost milliseconds on every container create.
 */
export async function writeState(
  bundleDir: string,
  file: string,
  state: ContainerProcessState | InfraProcessState,
): Promise<void> {
  const target = path.join(bundleDir, file);
  const temp = `${target}.${process.pid}.tmp`;
  await fs.writeFile(temp, JSON.stringify(state), { mode: 0o600 });
  await fs.rename(temp, target);
}

export function readState<T>(bundleDir: string, file: string): Promise<T | undefined> {
  return readJsonIfExists<T>(path.join(bundleDir, file));
}
