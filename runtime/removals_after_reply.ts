// Trees already renamed out of the way (a removed snapshot's .trash-* directory), removed after the
// removal that renamed them has replied, as containerd leaves a removed snapshot's directory to its
// garbage collector. One tree at a time, in bounded batches off the event loop
// (remove_tree_in_batches.ts): a burst of removals queues names, not work in flight. A crash, or a
// removal that fails, leaves the tree where its owner's load() sweeps it at the next start.
import { moduleLogger } from './log';
import { removeTreeInBatches } from './remove_tree_in_batches';

const log = moduleLogger('removals');

export class RemovalsAfterReply {
  private readonly queued: string[] = [];
  private draining: Promise<void> | undefined;

  /** Removes `dir` (a path nothing else uses any more) once the trees queued before it are gone. */
  add(dir: string): void {
    this.queued.push(dir);
    this.draining ??= this.drain();
  }

  /** Resolves once every tree queued so far is removed or given up on (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let dir = this.queued.shift(); dir !== undefined; dir = this.queued.shift()) {
        await removeTreeInBatches(dir).catch((err: Error) =>
          log.warn('removal after reply failed; the next start removes it', { dir, error: err.message }),
        );
      }
    } finally {
      this.draining = undefined;
    }
  }
}
