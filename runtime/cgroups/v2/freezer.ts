// v2 freezer: cgroup.freeze, then wait for cgroup.events to report the state reached.
import path from 'node:path';
import { InternalError } from '../../errors';
import { pollUntil, readFlatKeyed, writeValue } from '../fs_util';

const FREEZE_TIMEOUT_MS = 10_000;

export async function setFrozenV2(dir: string, frozen: boolean): Promise<void> {
  await writeValue(path.join(dir, 'cgroup.freeze'), frozen ? '1' : '0');
  const want = frozen ? 1 : 0;
  const settled = await pollUntil(
    async () => (await readFlatKeyed(path.join(dir, 'cgroup.events'))).get('frozen') === want,
    FREEZE_TIMEOUT_MS,
  );
  if (!settled) throw new InternalError(`${dir}: cgroup did not become ${frozen ? 'frozen' : 'thawed'}`);
}

/** Whether any process is left in the cgroup or below (cgroup.events "populated"). */
export async function populatedV2(dir: string): Promise<boolean> {
  return (await readFlatKeyed(path.join(dir, 'cgroup.events'))).get('populated') === 1;
}
