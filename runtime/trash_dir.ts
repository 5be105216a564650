// Where a removed container's or pod's directory goes: moved here with one rename on the removal's
// path, its files removed after the reply (removals_after_reply.ts), as containerd leaves a
// removed snapshot's files to its garbage collector. A crash leaves what was moved here for the
// next start's load(). Nothing else reads this directory: the sweeps of containers and pods cut
// short look only where those live.
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { RemovalsAfterReply } from './removals_after_reply';
import { ensurePrivateDir } from './store/private_dir';

export class TrashDir {
  private readonly removals = new RemovalsAfterReply();

  constructor(readonly dir: string) {}

  /** Made if missing; what a crash left here is removed after start-up. */
  async load(): Promise<void> {
    await ensurePrivateDir(this.dir);
    for (const name of readdirSync(this.dir)) this.removals.add(path.join(this.dir, name));
  }

  /**
   * Moves `tree` here (blocking: one rename) and removes it after the reply. False when it cannot
   * be moved (on another filesystem): the caller removes it in place. A missing tree is done.
   */
  moveAway(tree: string): boolean {
    const moved = path.join(this.dir, randomBytes(8).toString('hex'));
    try {
      renameSync(tree, moved);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code === 'EXDEV') return false;
      throw err;
    }
    this.removals.add(moved);
    return true;
  }

  /** Resolves once everything moved here so far is removed (tests). */
  settled(): Promise<void> {
    return this.removals.settled();
  }
}
