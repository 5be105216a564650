// What create()/startInfra() leave in the bundle directory so any later corrald (after a restart)
// finds the processes again: refs with start times, never bare pids.
import * as path from 'node:path';
import type { ProcessRef } from './contract';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic_file';

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

export function writeState(bundleDir: string, file: string, state: ContainerProcessState | InfraProcessState): Promise<void> {
  return writeJsonAtomic(path.join(bundleDir, file), state);
}

export function readState<T>(bundleDir: string, file: string): Promise<T | undefined> {
  return readJsonIfExists<T>(path.join(bundleDir, file));
}
