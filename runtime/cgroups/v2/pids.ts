// v2 pids: the process-count limit (same files as v1, see pids_files.ts).
import { writePidsLimit } from '../pids_files';
import type { V2Controller } from './controller';

export const pidsV2: V2Controller = { name: 'pids', apply: writePidsLimit };
