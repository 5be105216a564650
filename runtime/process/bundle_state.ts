// What create()/startInfra() leave in the bundle directory so any later corrald (after a restart
// or an upgrade) finds the processes again: refs with start times, never bare pids. `version` is
// the file's layout; `monitorProtocol` the control protocol (monitor_client.ts) of the monitor
// this corrald started. Files from before the field have protocol 1. A newer layout or protocol
// comes from a newer corral: it is refused, never guessed at or rewritten.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ProcessRef } from './contract';
import { FailedPreconditionError } from '../errors';
import { readJsonIfExistsSync } from '../store/atomic_file';

export const CONTAINER_STATE_FILE = 'process.json';
export const INFRA_STATE_FILE = 'infra.json';

/** The state file layout this corrald writes and reads. */
export const STATE_FILE_VERSION = 1;
/** The monitor control protocol this corrald speaks: start, reopen, wait, attach (control.c). */
export const MONITOR_PROTOCOL = 1;

export interface ContainerProcessState {
  version: 1;
  monitorProtocol?: number;
  monitor: ProcessRef;
  init: ProcessRef;
  cgroupProcsFiles: string[];
  /** The container's id (absent in files of older corralds). */
  id?: string;
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

export async function readState<T extends ContainerProcessState | InfraProcessState>(
  bundleDir: string,
  file: string,
): Promise<T | undefined> {
  // One blocking read of corral's own small file (readJsonIfExistsSync), not four round trips.
  const state = readJsonIfExistsSync<T>(path.join(bundleDir, file));
  if (state) refuseNewer(path.join(bundleDir, file), state);
  return state;
}

function refuseNewer(file: string, state: { version: number; monitorProtocol?: number }): void {
  const newer = (what: string, found: unknown, ours: number) =>
    new FailedPreconditionError(
      `${file} has ${what} ${JSON.stringify(found)}, newer than this corrald's ${ours}: it was written by a ` +
        `newer corral, which must manage this container (nothing was changed)`,
    );
  if (!(Number.isSafeInteger(state.version) && state.version <= STATE_FILE_VERSION)) {
    throw newer('state file version', state.version, STATE_FILE_VERSION);
  }
  const protocol = state.monitorProtocol ?? 1;
  if (!(Number.isSafeInteger(protocol) && protocol <= MONITOR_PROTOCOL)) {
    throw newer('monitor protocol', protocol, MONITOR_PROTOCOL);
  }
}
