// v1 freezer: FROZEN / THAWED, waiting out the FREEZING state.
import path from 'node:path';
import { InternalError } from '../../errors';
import { pollUntil, readText, writeValue } from '../fs_util';

const FREEZE_TIMEOUT_MS = 10_000;

export async function setFrozenV1(dir: string, frozen: boolean): Promise<void> {
  const file = path.join(dir, 'freezer.state');
  const want = frozen ? 'FROZEN' : 'THAWED';
  await writeValue(file, want);
  // A freeze can stall on a task in an uninterruptible sleep; asking again makes progress.
  const settled = await pollUntil(async () => {
    if ((await readText(file)).trim() === want) return true;
    await writeValue(file, want);
    return false;
  }, FREEZE_TIMEOUT_MS);
  if (!settled) throw new InternalError(`${dir}: freezer did not reach ${want}`);
}
