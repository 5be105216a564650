// v1 pids: the process-count limit (same files as v2, see pids_files.ts).
import { writePidsLimit } from '../pids_files';
import type { V1Controller } from './controller';

export const pidsV1: V1Controller = { subsystem: 'pids', apply: writePidsLimit };
