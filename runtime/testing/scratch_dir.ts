// A scratch directory for tests that make tens of thousands of files: on tmpfs where there is
// one (this machine's ext4 makes them a hundred times slower), removed after the test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';

/** `beforeRemove`: undo what the test mounted below it (the removal never crosses a mount). */
export function tmpfsScratch(t: TestContext, prefix: string, beforeRemove?: (dir: string) => void): string {
  const parent = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = mkdtempSync(path.join(parent, prefix));
  t.after(() => {
    beforeRemove?.(dir);
    spawnSync('rm', ['-rf', '--one-file-system', dir]);
  });
  return dir;
}
