// corral's directories are private to root (as containerd's snapshotters keep theirs): a local
// user must reach no image layer, writable layer (where a container may leave a setuid file),
// bundle, socket or pod file. Directories made by an older corral with looser modes are
// tightened, never loosened.
import { promises as fs, chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
/** The state root may stay searchable so that the CRI socket's group reaches the socket in it. */
export const STATE_ROOT_MODE = 0o711;

/** Makes `dir` (and missing parents) with at most `mode`, and takes from an existing one what `mode` lacks. */
export async function ensurePrivateDir(dir: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
  await tighten(dir, mode);
}

/** Takes from `dir` the permission bits `mode` does not have (never follows a symlink). */
export async function tighten(dir: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory()) return;
  const current = stat.mode & 0o7777;
  if ((current & ~mode) !== 0) await fs.chmod(dir, current & mode);
}

/** tighten for start-up, over hundreds of directories a batch at a time (in_batches.ts). */
export function tightenSync(dir: string, mode = PRIVATE_DIR_MODE): void {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return;
  const current = stat.mode & 0o7777;
  if ((current & ~mode) !== 0) chmodSync(dir, current & mode);
}

/**
 * Prepares the persistent root (0700) and the volatile state root (0711) and tightens every
 * directory directly below the state root to 0700, so that nothing there is reachable even when
 * an older corral made it looser. Blocking: it runs before corrald serves its socket, when
 * nothing waits on the event loop, and a dozen syscalls cost less than as many thread-pool
 * round trips on the way to ready.
 */
export function preparePrivateRoots(root: string, state: string): void {
  ensurePrivateDirSync(root);
  ensurePrivateDirSync(state, STATE_ROOT_MODE);
  for (const entry of readdirSync(state, { withFileTypes: true })) {
    if (entry.isDirectory()) tightenSync(path.join(state, entry.name));
  }
}

function ensurePrivateDirSync(dir: string, mode = PRIVATE_DIR_MODE): void {
  mkdirSync(dir, { recursive: true, mode });
  tightenSync(dir, mode);
}
